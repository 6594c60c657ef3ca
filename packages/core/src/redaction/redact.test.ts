import { describe, expect, it } from "vitest";
import { LoopkitError } from "../errors.js";
import { createPseudonymizer } from "../pseudonym.js";
import { redact } from "./redact.js";

describe("redact", () => {
  it("replaces each kind with a placeholder and reports spans in the input, never values", () => {
    const text = "Mail jane@example.com, card 4242 4242 4242 4242, from 192.0.2.1.";
    const { text: out, findings } = redact(text);
    expect(out).toBe("Mail [EMAIL], card [CREDIT_CARD], from [IP_ADDRESS].");
    expect(findings.map((f) => [f.kind, text.slice(f.start, f.end)])).toEqual([
      ["EMAIL", "jane@example.com"],
      ["CREDIT_CARD", "4242 4242 4242 4242"],
      ["IP_ADDRESS", "192.0.2.1"],
    ]);
    for (const f of findings) expect(Object.keys(f).sort()).toEqual(["end", "kind", "start"]);
  });

  it("keeps quotes and brackets around a value out of its span", () => {
    for (const [open, close] of [
      ["'", "'"],
      ['"', '"'],
      ["(", ")"],
      ["<", ">"],
      ["[", "]"],
    ]) {
      const text = `x ${open}jane@example.com${close} y ${open}4242 4242 4242 4242${close}`;
      expect(redact(text).text).toBe(`x ${open}[EMAIL]${close} y ${open}[CREDIT_CARD]${close}`);
    }
  });

  it("returns the same string when nothing is found", () => {
    const text = "Nothing to see here, version 1.2.3 on 2024-01-15.";
    expect(redact(text)).toEqual({ text, findings: [] });
  });

  it("keeps the host of a URL and removes only its credentials", () => {
    expect(redact("postgres://admin:hunter2@db.example.com:5432/app").text).toBe(
      "postgres://[URL_CREDENTIALS]@db.example.com:5432/app",
    );
  });

  it("lets a secret win over the email-looking part inside it", () => {
    const token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    expect(redact(`https://${token}@github.com/acme/app.git`).text).toBe(
      "https://[GITHUB_TOKEN]@github.com/acme/app.git",
    );
  });

  it("masks cards, phones and IBANs to their last four characters", () => {
    const out = redact(
      "4242-4242-4242-4242, +44 20 7946 0958, GB29 NWBK 6016 1331 9268 19, x@example.com",
      {
        strategy: "mask",
      },
    ).text;
    expect(out).toBe("[CREDIT_CARD …4242], [PHONE …0958], [IBAN …6819], [EMAIL]");
  });

  it("gives the same pseudonym to the same value however it is written, keyed by the secret", () => {
    const opts = {
      strategy: "pseudonym" as const,
      pseudonymize: createPseudonymizer("project-secret"),
    };
    const a = redact(
      "4242424242424242 and 4242 4242 4242 4242 and Jane@Example.com, jane@example.com",
      opts,
    ).text;
    const tokens = a.match(/\[[A-Z_]+_[0-9a-f]{6}\]/g)!;
    expect(tokens).toHaveLength(4);
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[2]).toBe(tokens[3]);
    expect(tokens[0]).not.toBe(tokens[2]);
    const other = redact("4242424242424242", {
      ...opts,
      pseudonymize: createPseudonymizer("other-secret"),
    }).text;
    expect(other).not.toBe(tokens[0]);
  });

  it("computes the pseudonym as the first 6 hex digits of HMAC-SHA256(key, value)", async () => {
    const { createHmac } = await import("node:crypto");
    const expected = createHmac("sha256", "k").update("jane@example.com").digest("hex").slice(0, 6);
    const pseudonymize = createPseudonymizer("k");
    expect(redact("jane@example.com", { strategy: "pseudonym", pseudonymize }).text).toBe(
      `[EMAIL_${expected}]`,
    );
    const bytes = createPseudonymizer(new TextEncoder().encode("k"));
    expect(redact("Jane@Example.com", { strategy: "pseudonym", pseudonymize: bytes }).text).toBe(
      `[EMAIL_${expected}]`,
    );
  });

  it("looks only for the kinds asked for", () => {
    const text = "jane@example.com 192.0.2.1";
    expect(redact(text, { kinds: ["IP_ADDRESS"] }).text).toBe("jane@example.com [IP_ADDRESS]");
  });

  it("never redacts allowed values", () => {
    const out = redact("write to support@example.com or jane@example.com", {
      allow: ["Support@Example.com"],
    }).text;
    expect(out).toBe("write to support@example.com or [EMAIL]");
  });

  it("applies custom patterns, with or without the g flag", () => {
    const out = redact("order ORD-12345 and ORD-99999", {
      customPatterns: [{ kind: "ORDER_ID", pattern: /ORD-\d{5}/ }],
    });
    expect(out.text).toBe("order [ORDER_ID] and [ORDER_ID]");
    expect(redact("aaa", { customPatterns: [{ kind: "EMPTY", pattern: /x*/g }] }).text).toBe("aaa");
  });

  it("rejects bad options with a stable code and a message that says how to fix them", () => {
    const cases: [() => unknown, RegExp][] = [
      [() => redact("x", { kinds: ["NAME" as never] }), /unknown kind "NAME"/],
      [() => redact("x", { customPatterns: [{ kind: "order id", pattern: /x/ }] }), /upper-case/],
      [() => redact("x", { strategy: "pseudonym" }), /createPseudonymizer/],
      [() => createPseudonymizer(""), /key is empty/],
      [() => redact("x", { strategy: "hide" as never }), /unknown strategy/],
    ];
    for (const [fn, message] of cases) {
      expect(fn).toThrow(message);
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(LoopkitError);
        expect((error as LoopkitError).code).toBe("INVALID_CONFIG");
      }
    }
  });

  it("reads phone numbers of several countries and leaves dates, versions and ids alone", () => {
    const phones = [
      "+1 (415) 555-0132",
      "020 7946 0123",
      "030 4567890",
      "06 12 34 56 78",
      "98765 43210",
    ];
    for (const p of phones) expect(redact(`call ${p} now`).text).toBe("call [PHONE] now");
    const others = [
      "2024-01-15 10:30:45",
      "v1.2.3",
      "550e8400-e29b-41d4-a716-446655440000",
      "$1,299.99",
    ];
    for (const o of others) expect(redact(o).findings).toEqual([]);
  });

  it("takes bare 10–11 digit phone numbers only after a phone word, not after an id", () => {
    expect(redact("call me on 4155550132").text).toBe("call me on [PHONE]");
    expect(redact("WhatsApp: 07700900461").text).toBe("WhatsApp: [PHONE]");
    expect(redact("order 4155550132").findings).toEqual([]);
    expect(redact("call ID 4155550132").findings).toEqual([]);
  });

  it("takes 9 bare digits for an SSN only after the word SSN", () => {
    expect(redact("my SSN: 123456789").text).toBe("my SSN: [US_SSN]");
    expect(redact("order 123456789").findings).toEqual([]);
  });

  it("redacts a truncated private key to the end of its body", () => {
    const key = `-----BEGIN PRIVATE KEY-----\n${"A".repeat(64)}\n${"B".repeat(40)}`;
    expect(redact(`${key}\n\nthanks!`).text).toBe("[PRIVATE_KEY]\n\nthanks!");
  });
});

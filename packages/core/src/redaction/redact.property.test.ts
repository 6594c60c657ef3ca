import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redact } from "./redact.js";

/**
 * Properties over random text: findings are in bounds, sorted and disjoint; the output is the
 * input with exactly the findings replaced; a value of a known kind dropped anywhere between
 * words is always found with its kind and exact span; redacting twice changes nothing more.
 */
const VALUES: [kind: string, value: string][] = [
  ["EMAIL", "jane.doe@example.com"],
  ["CREDIT_CARD", "4242 4242 4242 4242"],
  ["CREDIT_CARD", "378282246310005"],
  ["IBAN", "GB29 NWBK 6016 1331 9268 19"],
  ["IBAN", "DE89370400440532013000"],
  ["US_SSN", "123-45-6789"],
  ["PHONE", "+44 20 7946 0958"],
  ["PHONE", "(415) 555-0132"],
  ["IP_ADDRESS", "203.0.113.7"],
  ["IP_ADDRESS", "2001:db8::1"],
  ["AWS_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE"],
  ["STRIPE_KEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"],
  ["GITHUB_TOKEN", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"],
  ["PHONE", "030 4567890"],
  ["PHONE", "06 12 34 56 78"],
  ["PHONE", "+91 98765 43210"],
  ["PHONE", "07700 900461"],
  ["CREDIT_CARD", "5555-5555-5555-4444"],
  ["IBAN", "FR1420041010050500013M02606"],
  ["IP_ADDRESS", "fe80::1ff:fe23:4567:890a"],
  ["IP_ADDRESS", "192.0.2.255"],
  ["SLACK_TOKEN", "xoxb-123456789012-1234567890123-abcdefghijABCDEFGHIJklmn"],
  [
    "JWT",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
  ],
];
const valueOnly = VALUES.map(([, v]) => v);
const word = fc.stringMatching(/^[A-Za-z]{1,12}$/);
const filler = fc.oneof(word, fc.constantFrom(",", ".", "!", "?", "(ok)", "2024", "v1.2", "—"));
const anyText = fc.string({ unit: "binary", maxLength: 300 });

describe("redact properties", () => {
  it("reports disjoint, sorted, in-bounds findings and replaces exactly them", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { text: out, findings } = redact(text);
        let cursor = 0;
        let rebuilt = "";
        for (const f of findings) {
          expect(f.start).toBeGreaterThanOrEqual(cursor);
          expect(f.end).toBeGreaterThan(f.start);
          expect(f.end).toBeLessThanOrEqual(text.length);
          rebuilt += `${text.slice(cursor, f.start)}[${f.kind}]`;
          cursor = f.end;
        }
        expect(out).toBe(rebuilt + text.slice(cursor));
      }),
      { numRuns: 500 },
    );
  });

  it("finds a known value placed anywhere between words, bare, quoted or bracketed, with its exact span", () => {
    fc.assert(
      fc.property(
        fc.array(filler, { maxLength: 20 }),
        fc.array(filler, { maxLength: 20 }),
        fc.constantFrom(...VALUES),
        fc.constantFrom(
          ["", ""],
          ["(", ")"],
          ['"', '"'],
          ["'", "'"],
          ["<", ">"],
          ["[", "]"],
          ["", "."],
          ["", ","],
          ["", ";"],
          ["", "!"],
        ),
        (before, after, [kind, value], [open, close]) => {
          const prefix = `${before.join(" ")} ${open}`;
          const text = `${prefix}${value}${close} ${after.join(" ")}`;
          const { text: out, findings } = redact(text);
          expect(out).not.toContain(value);
          expect(findings).toContainEqual({
            kind,
            start: prefix.length,
            end: prefix.length + value.length,
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("is idempotent: a redacted text has nothing left to redact", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(filler, fc.constantFrom(...valueOnly)), { maxLength: 30 }),
        (parts) => {
          const once = redact(parts.join(" ")).text;
          expect(redact(once)).toEqual({ text: once, findings: [] });
        },
      ),
      { numRuns: 500 },
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redact } from "./redact.js";

/**
 * Properties over random text: findings are in bounds, sorted and disjoint; the output is the
 * input with exactly the findings replaced; a value of a known kind dropped anywhere between
 * words is always removed; redacting twice changes nothing more.
 */
const VALUES = [
  "jane.doe@example.com",
  "4242 4242 4242 4242",
  "378282246310005",
  "GB29 NWBK 6016 1331 9268 19",
  "DE89370400440532013000",
  "123-45-6789",
  "+44 20 7946 0958",
  "(415) 555-0132",
  "203.0.113.7",
  "2001:db8::1",
  "AKIAIOSFODNN7EXAMPLE",
  "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
  "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
  "030 4567890",
  "06 12 34 56 78",
  "+91 98765 43210",
  "07700 900461",
  "5555-5555-5555-4444",
  "FR1420041010050500013M02606",
  "fe80::1ff:fe23:4567:890a",
  "192.0.2.255",
  "xoxb-123456789012-1234567890123-abcdefghijABCDEFGHIJklmn",
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
];
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

  it("removes a known value placed anywhere between words, bare, quoted or bracketed", () => {
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
        (before, after, value, [open, close]) => {
          const text = `${before.join(" ")} ${open}${value}${close} ${after.join(" ")}`;
          const { text: out } = redact(text);
          expect(out).not.toContain(value);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("is idempotent: a redacted text has nothing left to redact", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(filler, fc.constantFrom(...VALUES)), { maxLength: 30 }),
        (parts) => {
          const once = redact(parts.join(" ")).text;
          expect(redact(once)).toEqual({ text: once, findings: [] });
        },
      ),
      { numRuns: 500 },
    );
  });
});

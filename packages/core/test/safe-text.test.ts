import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SafeText, unsafeTextReason } from "../src/index.js";

/**
 * The reference for "valid Unicode": ECMA-262's IsStringWellFormedUnicode (every surrogate
 * paired), which `String.prototype.isWellFormed` implements (ES2024, Node 20), plus PostgreSQL's
 * rule that neither `text` nor `jsonb` holds U+0000 (PostgreSQL docs §8.3 "Character Types" and
 * §8.14 "JSON Types").
 */
const storableByReference = (text: string) =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed() && !text.includes("\u0000");

describe("unsafeTextReason", () => {
  it.each([
    ["plain ASCII", "hello"],
    ["an empty string", ""],
    ["a surrogate pair (U+1F600)", "smile \ud83d\ude00 done"],
    ["a pair at both ends", "\ud83d\ude00x\ud83d\ude00"],
    ["U+FFFD itself", "\ufffd"],
    ["other control characters", "\u0001\u001f\u007f"],
  ])("accepts %s", (_name, text) => {
    expect(unsafeTextReason(text)).toBeUndefined();
  });

  it.each([
    ["a NUL", "before\u0000after", 6, "NUL character (U+0000)"],
    ["a lone high surrogate", "x\ud800y", 1, "unpaired UTF-16 surrogate (U+D800)"],
    ["a high surrogate at the end", "cut \ud83d", 4, "unpaired UTF-16 surrogate (U+D83D)"],
    ["a lone low surrogate", "x\udc00", 1, "unpaired UTF-16 surrogate (U+DC00)"],
    ["a pair in the wrong order", "\ude00\ud83d", 0, "unpaired UTF-16 surrogate (U+DE00)"],
  ])("names %s and its index", (_name, text, index, what) => {
    const reason = unsafeTextReason(text);
    expect(reason).toContain(what);
    expect(reason).toContain(`at index ${index}`);
    expect(reason).toContain("valid Unicode without NUL");
  });

  it("agrees with String.prototype.isWellFormed and the no-NUL rule on random UTF-16", () => {
    const unit = fc.oneof(
      fc.constantFrom(0, 0x41, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffd),
      fc.integer({ min: 0, max: 0xffff }),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), (units) => {
        const text = String.fromCharCode(...units);
        expect(unsafeTextReason(text) === undefined).toBe(storableByReference(text));
      }),
      { numRuns: 5000 },
    );
  });

  it("finds a lone surrogate at the end of a 1 MiB text of emoji (no backtracking blow-up)", () => {
    const text = `${"\ud83d\ude00".repeat(512 * 1024)}\ud83d`;
    expect(unsafeTextReason(text)).toContain(`at index ${1024 * 1024}`);
  });
});

describe("SafeText", () => {
  it("keeps its rule under .min() and .max()", () => {
    const Label = SafeText.min(1).max(5);
    expect(Label.safeParse("ok").success).toBe(true);
    expect(Label.safeParse("a\u0000").error?.issues[0]?.message).toContain("NUL");
    expect(Label.safeParse("toolong").success).toBe(false);
  });
});

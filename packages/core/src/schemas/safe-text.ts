import { z } from "zod";

/**
 * A NUL, an unpaired high surrogate, or an unpaired low surrogate (UTF-16 code units: no `u`
 * flag, so surrogates are matched one by one). Linear: each alternative looks at most one code
 * unit ahead or behind.
 */
const UNSAFE_CODE_UNIT =
  /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** `U+D800`: a code unit written the way the Unicode standard names code points. */
const codePointName = (unit: number) => `U+${unit.toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * Why `text` cannot be stored as PostgreSQL `text` or `jsonb`, or `undefined` when it can.
 * PostgreSQL holds no NUL character in either, and UTF-8 (its encoding) has no form for a lone
 * UTF-16 surrogate: `jsonb` refuses one and `text` would store U+FFFD instead of it.
 */
export function unsafeTextReason(text: string): string | undefined {
  const found = UNSAFE_CODE_UNIT.exec(text);
  if (!found) return undefined;
  const unit = text.charCodeAt(found.index);
  if (unit === 0) {
    return `contains a NUL character (U+0000) at index ${found.index}; text must be valid Unicode without NUL: remove it`;
  }
  return `contains an unpaired UTF-16 surrogate (${codePointName(unit)}) at index ${found.index}; text must be valid Unicode without NUL: do not cut a string inside a character (an emoji, say), or replace it with U+FFFD`;
}

/** `text` with each NUL and unpaired surrogate written as a `\uXXXX` escape, for messages. */
export function escapeUnsafeText(text: string): string {
  return text.replace(
    new RegExp(UNSAFE_CODE_UNIT.source, "g"),
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * A string that PostgreSQL can store as it was sent: valid Unicode (every UTF-16 surrogate
 * paired) without NUL. The base of every text field of the event schemas; add `.min()` and
 * `.max()` for lengths.
 */
export const SafeText = z.string().superRefine((text, ctx) => {
  const reason = unsafeTextReason(text);
  if (reason) ctx.addIssue({ code: "custom", message: reason });
});

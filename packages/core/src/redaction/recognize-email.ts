import { type Emit, isWordChar, type Recognizer } from "./kinds.js";

/**
 * Characters of an email local part: the common subset of RFC 5322's dot-atom, and the Latin,
 * Greek and Cyrillic letters beyond ASCII (U+00C0–U+04FF) that RFC 6531 allows ("Pelé@…").
 * Scripts written without spaces (CJK) are left out: the prose glued to an address would join it.
 */
function isLocalChar(c: number): boolean {
  // . % + - ' and U+00C0–U+04FF (À…ӿ)
  return (
    isWordChar(c) ||
    c === 46 ||
    c === 37 ||
    c === 43 ||
    c === 45 ||
    c === 39 ||
    (c > 191 && c < 1280)
  );
}

/** The domain after "@": up to 9 dot-separated labels of 1–63 characters and an alphabetic TLD. */
const DOMAIN =
  /[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/y;
const MAX_LOCAL = 64;

/**
 * Finds email addresses by looking at each "@" and growing the local part to the left (at most
 * 64 characters, RFC 5321) and the domain to the right (a sticky, bounded regex), so the work per
 * "@" is bounded and the scan is linear even on `"a@".repeat(n)`.
 */
export const emailRecognizer: Recognizer = {
  kinds: ["EMAIL"],
  scan(text: string, emit: Emit): void {
    let floor = 0; // nothing before this is reused (the end of the previous address)
    for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
      if (at < floor) continue;
      let start = at;
      const limit = Math.max(floor, at - MAX_LOCAL - 1);
      while (start > limit && isLocalChar(text.charCodeAt(start - 1))) start--;
      if (start === limit && start > floor && isLocalChar(text.charCodeAt(start - 1))) continue; // local part too long
      // No leading dot; a leading apostrophe is a quote around the address ('jane@example.com').
      while (start < at && (text.charCodeAt(start) === 46 || text.charCodeAt(start) === 39))
        start++;
      if (start === at || text.charCodeAt(at - 1) === 46) continue;
      DOMAIN.lastIndex = at + 1;
      const m = DOMAIN.exec(text);
      if (m === null) continue;
      const end = at + 1 + m[0].length;
      // "git@github.com:org/repo.git" is an SSH remote (scp syntax), not an email address.
      if (text.charCodeAt(end) === 58 && end + 1 < text.length && !/\s/.test(text[end + 1]!))
        continue;
      emit("EMAIL", start, end);
      floor = end;
      at = end - 1;
    }
  },
};

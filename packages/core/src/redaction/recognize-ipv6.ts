import { type Emit, isHex, isWordChar, type Recognizer } from "./kinds.js";
import { isIpv4 } from "./number-formats.js";

const MAX_LEFT = 39;
const MAX_CANDIDATE = 45;

/**
 * Whether `s` is an IPv6 address in RFC 4291 §2.2 text form: eight 1–4 digit hex groups, or
 * fewer with one "::", optionally ending in a dotted IPv4 address. To keep `dead::beef`-like
 * words out, it must contain a decimal digit.
 */
export function isIpv6(s: string): boolean {
  if (!/\d/.test(s)) return false;
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const groups: string[] = [];
  for (const half of halves) if (half !== "") groups.push(...half.split(":"));
  let count = groups.length;
  const last = groups[groups.length - 1];
  if (last?.includes(".")) {
    if (!isIpv4(last)) return false;
    groups.pop();
    count += 1; // an IPv4 tail stands for two groups
  }
  for (const g of groups) {
    if (g.length < 1 || g.length > 4) return false;
    for (let i = 0; i < g.length; i++) if (!isHex(g.charCodeAt(i))) return false;
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

/**
 * Finds IPv6 addresses: from each ":" grow a candidate over hex digits, colons and dots (bounded
 * lengths, and the next search starts after the candidate, so the scan is linear), then check it
 * with {@link isIpv6}.
 */
export const ipv6Recognizer: Recognizer = {
  kinds: ["IP_ADDRESS"],
  scan(text: string, emit: Emit): void {
    let floor = 0;
    for (let colon = text.indexOf(":"); colon !== -1; colon = text.indexOf(":", colon + 1)) {
      if (colon < floor) continue;
      let start = colon;
      const limit = Math.max(floor, colon - MAX_LEFT);
      while (start > limit && isHex(text.charCodeAt(start - 1))) start--;
      let end = colon + 1;
      let colons = 1;
      const max = Math.min(text.length, start + MAX_CANDIDATE);
      while (end < max) {
        const c = text.charCodeAt(end);
        if (c === 58) colons++;
        else if (!(isHex(c) || c === 46)) break;
        end++;
      }
      floor = end;
      if (colons < 2) continue; // every IPv6 text form has at least two colons
      // Trim sentence punctuation: a trailing dot, or a single trailing colon.
      while (end > colon + 1 && text.charCodeAt(end - 1) === 46) end--;
      if (text.charCodeAt(end - 1) === 58 && text.charCodeAt(end - 2) !== 58) end--;
      if (
        start > 0 &&
        (isWordChar(text.charCodeAt(start - 1)) || text.charCodeAt(start - 1) === 58)
      )
        continue;
      if (end < text.length && isWordChar(text.charCodeAt(end))) continue;
      if (end - start >= 3 && isIpv6(text.slice(start, end))) emit("IP_ADDRESS", start, end);
      colon = Math.max(colon, end - 1);
    }
  },
};

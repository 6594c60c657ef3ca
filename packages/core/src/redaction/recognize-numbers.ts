import { type Emit, isAlnum, isHex, isWordChar, type Recognizer } from "./kinds.js";
import { classifyNumber } from "./number-formats.js";

/**
 * A run of digit groups joined by single separators (space, dash, dot, slash, parentheses), with
 * an optional leading `+`. Each repetition starts with a non-digit separator and ends with digits,
 * so the run splits into groups in exactly one way: the match is linear in its length.
 */
const NUMERIC_RUN = /\+?\(?\d+(?:(?:[ \-./]\(?|\)[ -]?|\()\d+)*/g;
const MAX_WINDOW_CHARS = 45;
const MAX_WINDOW_GROUPS = 8;
const VERSION_CONTEXT = /(?:\b(?:version|ver\.?|section|chapter|clause|step|rule)|§)\s*$/i;

/**
 * A quick look before cutting a run into groups: every candidate has at least 9 digits, except
 * an IPv4 address (4–12 digits with dots), so "2024-03-05" or "1.18.0" stop here. The shortest
 * candidate is "1.1.1.1" (7 characters).
 */
function worthScanning(run: string): boolean {
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46) dots++;
  }
  return digits >= 9 || (dots >= 3 && digits >= 4);
}

/**
 * Glued to a word on the left: `abc123`, `a1-2345` (part of an identifier, not a number), or the
 * tail of an IPv6 address or a time (`db8::1`, `10:30`), but not a label (`Tel:0161…`).
 */
function gluedBefore(text: string, start: number): boolean {
  if (start === 0) return false;
  const c = text.charCodeAt(start - 1);
  if (isWordChar(c)) return true;
  if (c === 58 /* : */) {
    const before = text.charCodeAt(start - 2); // NaN at the start: in no class
    return isHex(before) || before === 58;
  }
  return (c === 45 || c === 46 || c === 47) && start >= 2 && isAlnum(text.charCodeAt(start - 2));
}

/** Glued to a word on the right: `123abc`, `123-a1` or a longer dotted/dashed sequence. */
function gluedAfter(text: string, end: number): boolean {
  if (end >= text.length) return false;
  const c = text.charCodeAt(end);
  if (isWordChar(c)) return true;
  return (
    (c === 45 || c === 46 || c === 47) && end + 1 < text.length && isAlnum(text.charCodeAt(end + 1))
  );
}

/**
 * Finds phone numbers, card numbers, US SSNs and IPv4 addresses: every numeric run is cut into
 * digit groups, and windows of up to eight consecutive groups (at most 45 characters) are
 * classified, longest first; a window may only start or end at a space, never inside a dotted,
 * dashed or slashed sequence (dates, versions, order numbers stay whole).
 */
export const numberRecognizer: Recognizer = {
  kinds: ["PHONE", "CREDIT_CARD", "US_SSN", "IP_ADDRESS"],
  scan(text: string, emit: Emit): void {
    NUMERIC_RUN.lastIndex = 0;
    for (let m = NUMERIC_RUN.exec(text); m !== null; m = NUMERIC_RUN.exec(text)) {
      const run = m[0];
      const runStart = m.index;
      if (run.length < 7 || !worthScanning(run)) continue;
      scanRun(text, run, runStart, emit);
    }
  },
};

/**
 * A number written with spaces between thousands ("8 045 311 447", "3 456 789 012"): first group
 * of 1–3 digits, then groups of exactly 3, separated by single spaces. Not a phone or a card.
 */
function isThousandsGrouped(run: string, starts: number[], ends: number[]): boolean {
  const n = starts.length;
  if (n < 3 || run.charCodeAt(0) === 43 || ends[0]! - starts[0]! > 3) return false;
  for (let g = 1; g < n; g++) {
    if (ends[g]! - starts[g]! !== 3 || starts[g]! - ends[g - 1]! !== 1) return false;
    if (run.charCodeAt(ends[g - 1]!) !== 32) return false;
  }
  return true;
}

function scanRun(text: string, run: string, runStart: number, emit: Emit): void {
  const runEnd = runStart + run.length;
  const leftGlued = gluedBefore(text, runStart);
  const rightGlued = gluedAfter(text, runEnd);
  // Digit groups, read with one pass over the characters: [start, end) relative to the run,
  // the window start (with a leading "+" or "("), digits so far, and what separates each
  // group from the next (a space allows a window boundary; a lone "." makes an IPv4 quad).
  const starts: number[] = [];
  const ends: number[] = [];
  const windowStarts: number[] = [];
  const digitsBefore: number[] = [0];
  const splittable: boolean[] = [];
  const dotted: boolean[] = [];
  let k = 0;
  while (k < run.length) {
    let sepHasSpace = false;
    const sepStart = k;
    while (k < run.length) {
      const c = run.charCodeAt(k);
      if (c >= 48 && c <= 57) break;
      if (c === 32) sepHasSpace = true;
      k++;
    }
    if (starts.length > 0) {
      splittable.push(sepHasSpace);
      dotted.push(k - sepStart === 1 && run.charCodeAt(sepStart) === 46);
    }
    const s = k;
    while (k < run.length && run.charCodeAt(k) >= 48 && run.charCodeAt(k) <= 57) k++;
    let ws = s;
    // A "(" belongs to the number only when it closes right after the group: "(415) 555-0132".
    if (ws > 0 && run.charCodeAt(ws - 1) === 40 /* ( */ && run.charCodeAt(k) === 41 /* ) */) ws--;
    if (ws === 1 && run.charCodeAt(0) === 43 /* + */) ws = 0;
    starts.push(s);
    ends.push(k);
    windowStarts.push(ws);
    digitsBefore.push(digitsBefore[digitsBefore.length - 1]! + (k - s));
  }
  const n = starts.length;
  if (isThousandsGrouped(run, starts, ends)) return;
  // A lone group: only a card (13–19 digits), an SSN after "SSN" (9) or "+" and a phone number.
  if (n === 1 && (leftGlued || rightGlued || (run.length < 9 && run.charCodeAt(0) !== 43))) return;
  const splitAfter = (g: number) => splittable[g] === true;

  let i = 0;
  while (i < n) {
    const canStart = i === 0 ? !leftGlued : splitAfter(i - 1);
    let found = -1;
    let foundStart = -1;
    let kind: ReturnType<typeof classifyNumber> = null;
    const last = Math.min(n - 1, i + MAX_WINDOW_GROUPS - 1);
    // Skip a start whose longest window holds under 9 digits and cannot be an IPv4 quad.
    const reachable = digitsBefore[last + 1]! - digitsBefore[i]!;
    if (canStart && (reachable >= 9 || dotted[i] === true)) {
      const ws = windowStarts[i]!;
      let j = last;
      while (j >= i && ends[j]! - ws > MAX_WINDOW_CHARS) j--;
      for (; j >= i; j--) {
        const canEnd = j === n - 1 ? !rightGlued : splitAfter(j);
        if (!canEnd) continue;
        // Cheap gate before classifying: an IPv4 is 4 groups; anything else has 9–19 digits.
        const digitCount = digitsBefore[j + 1]! - digitsBefore[i]!;
        const quad = j - i === 3 && dotted[i] && dotted[i + 1] && dotted[i + 2];
        if (digitCount > 19 || (digitCount < 9 && !quad)) continue;
        // "(" belongs to an area code, "(415) 555…": a window of one group leaves it out.
        const from = j === i && run.charCodeAt(ws) === 40 ? starts[i]! : ws;
        const window = run.slice(from, ends[j]);
        if (window.length < 7) break;
        const absoluteStart = runStart + from;
        const k = classifyNumber(window, () =>
          text.slice(Math.max(0, absoluteStart - 30), absoluteStart).toLowerCase(),
        );
        if (
          k === "IP_ADDRESS" &&
          VERSION_CONTEXT.test(text.slice(Math.max(0, absoluteStart - 12), absoluteStart))
        ) {
          continue;
        }
        if (k !== null) {
          found = j;
          foundStart = from;
          kind = k;
          break;
        }
      }
    }
    if (found >= 0 && kind !== null) {
      emit(kind, runStart + foundStart, runStart + ends[found]!);
      i = found + 1;
    } else {
      i++;
    }
  }
}

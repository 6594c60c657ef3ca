import { z } from "zod";
import { escapeUnsafeText, unsafeTextReason } from "./safe-text.js";

/** A JSON value. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** How big a JSON value may be. */
export interface JsonBounds {
  /** Nesting depth: an object holding an object is depth 2. */
  maxDepth: number;
  /** Bytes of the value serialized as JSON (UTF-8). */
  maxBytes: number;
}

/** One thing wrong inside a JSON value: the path below the value, and what. */
interface JsonIssue {
  path: (string | number)[];
  message: string;
}

/** Issues reported for one value at most: enough to fix it, and the answer stays small. */
const MAX_ISSUES = 20;
/** Characters of a key shown in a path. */
const MAX_KEY_IN_PATH = 64;

/** A key as a path segment: NUL and lone surrogates escaped, cut at 64 characters. */
function keySegment(key: string): string {
  const shown = escapeUnsafeText(key);
  return shown.length > MAX_KEY_IN_PATH ? `${shown.slice(0, MAX_KEY_IN_PATH)}…` : shown;
}

/** An object literal or `Object.create(null)`, from this realm or another; not a Date, Map… */
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Why a primitive is not storable JSON, or `undefined` when it is (or when it is an object). */
function primitiveReason(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return unsafeTextReason(value);
    case "number":
      return Number.isFinite(value) ? undefined : "must be a finite number";
    case "boolean":
    case "object":
      return undefined;
    case "undefined":
      return "is undefined, which JSON cannot hold: leave the key out or send null";
    default:
      return `is a ${typeof value}, which JSON cannot hold: convert it to a string or a number`;
  }
}

/**
 * A value waiting to be checked, and how the walk reached it. Its path is built only when it has
 * an issue (see `pathOf`): almost no value has one, and a path array per value, with each key
 * escaped by `keySegment` (a regex compiled per key), cost more than the checks themselves.
 */
interface Pending {
  value: unknown;
  depth: number;
  /** The array or object holding the value; `undefined` for the root. */
  parent: Pending | undefined;
  /** The value's index or raw key in `parent` (unused for the root). */
  segment: string | number;
}

/** The path from the root to `entry`: indexes as they are, keys as `keySegment` shows them. */
function pathOf(entry: Pending): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at = entry; at.parent; at = at.parent) {
    path.push(typeof at.segment === "number" ? at.segment : keySegment(at.segment));
  }
  return path.reverse();
}

/** UTF-8 takes at most 3 bytes per UTF-16 code unit (4 for a surrogate pair, 2 units). */
const MAX_UTF8_BYTES_PER_UNIT = 3;
/** One encoder for every value (the encoder holds no state between calls). */
const utf8 = new TextEncoder();

/**
 * Bytes of `json` in UTF-8 when they may be more than `maxBytes`, else `undefined`. Encoding
 * copies the text into a new buffer; JSON text at most a third of `maxBytes` long cannot be over,
 * so the common small value is never encoded.
 */
function bytesIfOver(json: string, maxBytes: number): number | undefined {
  if (json.length * MAX_UTF8_BYTES_PER_UNIT <= maxBytes) return undefined;
  const bytes = utf8.encode(json).length;
  return bytes > maxBytes ? bytes : undefined;
}

/**
 * Everything that keeps `value` from being stored as JSON within `bounds`, at most 20 issues.
 * It walks the value with an explicit stack, not recursion: a value nested 100 000 levels deep
 * is refused at the depth limit without growing the call stack, and a cyclic or heavily shared
 * object graph (an in-process caller can build one) stops at the depth or size limit. Each JSON
 * value takes at least one byte, so more values than `maxBytes` means too many bytes.
 */
function jsonIssues(root: unknown, bounds: JsonBounds): JsonIssue[] {
  const issues: JsonIssue[] = [];
  const pending: Pending[] = [{ value: root, depth: 1, parent: undefined, segment: 0 }];
  let visited = 0;
  while (pending.length > 0 && issues.length < MAX_ISSUES) {
    const entry = pending.pop()!;
    const { value, depth } = entry;
    if (++visited > bounds.maxBytes) {
      return [
        {
          path: [],
          message: `is more than ${bounds.maxBytes} bytes as JSON (it holds more than ${bounds.maxBytes} values); the limit is ${bounds.maxBytes}: send less`,
        },
      ];
    }
    const reason = primitiveReason(value);
    if (reason) {
      issues.push({ path: pathOf(entry), message: reason });
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth > bounds.maxDepth) {
      issues.push({
        path: pathOf(entry),
        message: `is nested ${depth} levels deep; the limit is ${bounds.maxDepth}: flatten it, or send the deeper part as a JSON string`,
      });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        pending.push({ value: value[i], depth: depth + 1, parent: entry, segment: i });
      }
      continue;
    }
    if (!isPlainObject(value)) {
      issues.push({
        path: pathOf(entry),
        message: `is a ${value.constructor?.name || "class instance"}, not a plain JSON object: convert it (a Date to an ISO string, a Map to an object)`,
      });
      continue;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const child: Pending = { value: record[key], depth: depth + 1, parent: entry, segment: key };
      const unsafe = unsafeTextReason(key);
      if (key === "__proto__") {
        issues.push({
          path: pathOf(child),
          message:
            '"__proto__" cannot be a key: JavaScript takes it for the object\'s prototype and drops it; rename the key',
        });
      } else if (unsafe) {
        issues.push({ path: pathOf(child), message: `the key ${unsafe}` });
      } else {
        pending.push(child);
      }
    }
  }
  if (issues.length > 0) return issues;
  const bytes = bytesIfOver(JSON.stringify(root), bounds.maxBytes);
  if (bytes !== undefined) {
    return [
      {
        path: [],
        message: `is ${bytes} bytes as JSON; the limit is ${bounds.maxBytes}: send less`,
      },
    ];
  }
  return [];
}

/** `a string`, `an array`, `null`: what a value is, for messages. */
function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * A JSON object within `bounds`, every string and key storable by PostgreSQL (see `SafeText`)
 * and no `__proto__` key. Checked without recursion (see `jsonIssues`), so no input can
 * overflow the stack; the parsed value is the input itself, not a copy.
 */
export function boundedJsonObject(bounds: JsonBounds) {
  return z.custom<JsonObject>().superRefine((value, ctx) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      ctx.addIssue({
        code: "custom",
        message: `must be a JSON object, not ${describeType(value)}`,
      });
      return;
    }
    for (const issue of jsonIssues(value, bounds)) {
      ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
    }
  });
}

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
 * Everything that keeps `value` from being stored as JSON within `bounds`, at most 20 issues.
 * It walks the value with an explicit stack, not recursion: a value nested 100 000 levels deep
 * is refused at the depth limit without growing the call stack, and a cyclic or heavily shared
 * object graph (an in-process caller can build one) stops at the depth or size limit. Each JSON
 * value takes at least one byte, so more values than `maxBytes` means too many bytes.
 */
function jsonIssues(root: unknown, bounds: JsonBounds): JsonIssue[] {
  const issues: JsonIssue[] = [];
  const pending: { value: unknown; path: (string | number)[]; depth: number }[] = [
    { value: root, path: [], depth: 1 },
  ];
  let visited = 0;
  while (pending.length > 0 && issues.length < MAX_ISSUES) {
    const { value, path, depth } = pending.pop()!;
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
      issues.push({ path, message: reason });
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth > bounds.maxDepth) {
      issues.push({
        path,
        message: `is nested ${depth} levels deep; the limit is ${bounds.maxDepth}: flatten it, or send the deeper part as a JSON string`,
      });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        pending.push({ value: value[i], path: [...path, i], depth: depth + 1 });
      }
      continue;
    }
    if (!isPlainObject(value)) {
      issues.push({
        path,
        message: `is a ${value.constructor?.name || "class instance"}, not a plain JSON object: convert it (a Date to an ISO string, a Map to an object)`,
      });
      continue;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const keyPath = [...path, keySegment(key)];
      const unsafe = unsafeTextReason(key);
      if (key === "__proto__") {
        issues.push({
          path: keyPath,
          message:
            '"__proto__" cannot be a key: JavaScript takes it for the object\'s prototype and drops it; rename the key',
        });
      } else if (unsafe) {
        issues.push({ path: keyPath, message: `the key ${unsafe}` });
      } else {
        pending.push({ value: record[key], path: keyPath, depth: depth + 1 });
      }
    }
  }
  if (issues.length > 0) return issues;
  const bytes = new TextEncoder().encode(JSON.stringify(root)).length;
  if (bytes > bounds.maxBytes) {
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

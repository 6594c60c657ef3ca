import { LoopkitError } from "../errors.js";
import {
  applyFindings,
  findSensitive,
  type PreparedRedaction,
  preparedFor,
  type RedactionFinding,
  type RedactOptions,
} from "./redact.js";

/** A finding inside a structure: the path to the string (keys and indexes) and the span in it. */
export interface DeepRedactionFinding extends RedactionFinding {
  readonly path: readonly (string | number)[];
}

/** The outcome of {@link redactDeep}. */
export interface RedactDeepResult<T> {
  readonly value: T;
  readonly findings: DeepRedactionFinding[];
}

/**
 * Redacts every string inside a value — chat messages, tool-call arguments, any JSON — and
 * returns a redacted copy; object keys, numbers, booleans and `null` are left as they are, and
 * the input is not modified.
 *
 * @param value - A string, array or plain object (JSON-like; no cycles).
 * @param options - As for {@link redact}.
 * @returns The redacted copy and the findings, each with the path of its string.
 * @throws {LoopkitError} `INVALID_CONFIG` for invalid options, `INVALID_INPUT` for a cyclic value.
 *
 * @example
 * redactDeep([{ role: "user", content: "I'm jane@example.com" }]).value
 * // [{ role: "user", content: "I'm [EMAIL]" }]
 */
export function redactDeep<T>(value: T, options?: RedactOptions): RedactDeepResult<T> {
  const prepared = preparedFor(options);
  const findings: DeepRedactionFinding[] = [];
  const result = walk(value, [], prepared, findings, new Set());
  return { value: result as T, findings };
}

function walk(
  value: unknown,
  path: (string | number)[],
  prepared: PreparedRedaction,
  findings: DeepRedactionFinding[],
  ancestors: Set<object>,
): unknown {
  if (typeof value === "string") {
    const found = findSensitive(value, prepared);
    if (found.length === 0) return value;
    for (const f of found) findings.push({ ...f, path: [...path] });
    return applyFindings(value, found, prepared.replace);
  }
  if (value === null || typeof value !== "object") return value;
  if (ancestors.has(value)) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `redactDeep: the value refers to itself at ${path.join(".") || "(root)"}; pass JSON-like data without cycles`,
    );
  }
  ancestors.add(value);
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map((item, i) => walk(item, [...path, i], prepared, findings, ancestors));
  } else {
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      copy[key] = walk(child, [...path, key], prepared, findings, ancestors);
    }
    out = copy;
  }
  ancestors.delete(value);
  return out;
}

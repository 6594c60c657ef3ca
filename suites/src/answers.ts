import { randomUUID } from "node:crypto";
import { newEventId } from "@loopkit/core";
import type { FieldValues } from "./procedure-inputs.js";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g;
const API_KEY = /lk_(pub|sec)_[A-Za-z0-9_-]+/g;

/**
 * Values of the same shape as `values` that no project holds: a fresh UUID for a UUID, a fresh
 * UUIDv7 for a request id, a new name for a name.
 */
export function ghostValues(values: FieldValues): FieldValues {
  const ghosts = new Map<unknown, unknown>();
  const ghostOf = (name: string, value: unknown): unknown => {
    if (typeof value !== "string") return value;
    if (name === "requestId") return newEventId();
    if (new RegExp(`^${UUID.source}$`, "i").test(value)) return randomUUID();
    return `ghost-${name}-${randomUUID().slice(0, 8)}`;
  };
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => {
      // Equal values get equal ghosts, so the two calls have the same shape.
      if (!ghosts.has(value)) ghosts.set(value, ghostOf(name, value));
      return [name, ghosts.get(value)];
    }),
  );
}

/**
 * An answer with everything that may differ between two calls of equal meaning replaced by a
 * placeholder: the identifiers of each value set by their field name, then any UUID, time and
 * API key. Two calls that differ only in whose identifiers they name must give equal
 * normalized answers (normalize both with both value sets: things either call created show up
 * in the other's later lists).
 */
export function normalizeAnswer(
  answer: { status: number; body: unknown },
  valueSets: FieldValues[],
): string {
  let text = JSON.stringify(answer.body);
  // One placeholder per distinct value (the first field name holding it, alphabetically).
  const byValue = new Map<string, string>();
  for (const values of valueSets) {
    for (const [name, value] of Object.entries(values).sort(([x], [y]) => x.localeCompare(y))) {
      if (typeof value === "string" && !byValue.has(value)) byValue.set(value, name);
    }
  }
  const named = [...byValue].sort((x, y) => y[0].length - x[0].length);
  for (const [value, name] of named) text = text.split(value).join(`<${name}>`);
  text = text
    .replace(/"id":\d+/g, '"id":"<serial>"')
    .replace(UUID, "<uuid>")
    .replace(ISO_TIME, "<time>")
    .replace(API_KEY, "<api-key>");
  return `${answer.status} ${text}`;
}

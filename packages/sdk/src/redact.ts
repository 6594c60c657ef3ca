/**
 * `@loopkit/sdk/redact`: client-side PII and secret redaction with core's `redactDeep`, as a
 * value for `createLoopkit({ redact })`. A separate entry so that apps which do not ask for it
 * do not ship the recognizers (the default entry stays ≤ 5 kB min+gz; with this one ≤ 10 kB).
 */
import { type RedactOptions, redactDeep } from "@loopkit/core";
import type { OutgoingEvent } from "./client.js";

export type { RedactOptions } from "@loopkit/core";

/** The fields that hold user or model text; ids, names, numbers and timestamps are left alone. */
const TEXT_FIELDS = ["input", "output", "errorMessage", "comment", "value", "tags", "metadata"];

/**
 * Makes a redactor for `createLoopkit({ redact })`: every string in the text fields of an event
 * (messages, outputs, error messages, comments, tags, metadata) goes through core's
 * `redactDeep` with `options` (kinds, allow-list, custom patterns, strategy).
 *
 * @param options - As for core's `redact`; default: every built-in kind, `[EMAIL]` placeholders.
 * @returns A function from an event to its redacted copy (the original is not modified).
 * @throws {LoopkitError} `INVALID_CONFIG` for invalid options, when the first event is redacted.
 */
export function createRedactor(options?: RedactOptions): (event: OutgoingEvent) => OutgoingEvent {
  return (event) => {
    const copy: OutgoingEvent = { ...event };
    for (const field of TEXT_FIELDS) {
      if (copy[field] !== undefined) copy[field] = redactDeep(copy[field], options).value;
    }
    return copy;
  };
}

/**
 * Redacts every built-in kind of PII and secret with placeholders (`[EMAIL]`, `[CREDIT_CARD]`…).
 *
 * @example
 * import { createLoopkit } from "@loopkit/sdk";
 * import { redact } from "@loopkit/sdk/redact";
 * const loopkit = createLoopkit({ baseUrl, apiKey, redact });
 */
export const redact: (event: OutgoingEvent) => OutgoingEvent = createRedactor();

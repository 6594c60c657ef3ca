/**
 * The pieces of the procedures' input schemas. Every string is built on core's `SafeText`, so
 * text PostgreSQL cannot store (NUL, an unpaired UTF-16 surrogate) is refused with 400 naming
 * the field instead of reaching the database; every JSON input on `boundedJsonObject` (through
 * core's `Metadata`).
 */
import { LIMITS, Metadata, SafeText } from "@loopkit/core";
import { z } from "zod";

/** Characters of a label: a project name, an evaluation run's name or seed, an ETag. */
const MAX_LABEL_LENGTH = 200;
/** Characters of a `requests.list` cursor (a server-made one is well under 100). */
const MAX_CURSOR_LENGTH = 500;

/** An identifier: a prompt name, version, experiment key, tag. */
export const Name = SafeText.trim()
  .min(1, "must not be empty")
  .max(LIMITS.maxNameLength, `must be at most ${LIMITS.maxNameLength} characters`);

/** A named person (requester, approver): who did it, as they are known in the team. */
export const Person = SafeText.trim()
  .min(2, "name the person (at least 2 characters)")
  .max(200, "must be at most 200 characters");

/** A short free label (a project name, a run's name or seed), as written. */
export const Label = SafeText.min(1, "must not be empty").max(
  MAX_LABEL_LENGTH,
  `must be at most ${MAX_LABEL_LENGTH} characters`,
);

/** An opaque token a client sends back as it got it (an ETag). */
export const Token = SafeText.max(
  MAX_LABEL_LENGTH,
  `must be at most ${MAX_LABEL_LENGTH} characters`,
);

/** A `requests.list` cursor: the `nextCursor` of the previous page. */
export const Cursor = SafeText.max(
  MAX_CURSOR_LENGTH,
  "is not a cursor this server made: pass the nextCursor of the previous page",
);

/** A prompt template. */
export const Template = SafeText.max(
  LIMITS.maxTextLength,
  `must be at most ${LIMITS.maxTextLength} characters`,
);

/** A prompt version's model parameters: the same bounds as core's `PromptVersionConfig.params`. */
export const PromptParams = Metadata;

/** An ISO 8601 time with an offset (`2026-11-26T12:00:00Z`). */
export const Timestamp = z.iso.datetime({ offset: true });

/** An optional comment. */
export const Comment = SafeText.max(
  LIMITS.maxCommentLength,
  `must be at most ${LIMITS.maxCommentLength} characters`,
).optional();

/** Copies only the keys whose value is present, so optional options stay absent. */
export function present<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

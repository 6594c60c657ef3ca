import { z } from "zod";
import { boundedJsonObject } from "./json.js";
import { LIMITS } from "./limits.js";
import { SafeText } from "./safe-text.js";

/** How far in the future an event timestamp may be (clock skew allowance). */
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
/** Events older than this are rejected as mistakes (seconds for milliseconds, say). */
const EARLIEST_TIMESTAMP = Date.UTC(2020, 0, 1);

/** An event id: a UUIDv7 made by the client, so a retried event is recognised as a duplicate. */
export const EventId = z.uuid({ version: "v7", error: "must be a UUIDv7 made by the client" });

/** An ISO 8601 timestamp with offset, from 2020 up to a day ahead of the server's clock. */
export const Timestamp = z.iso.datetime({ offset: true }).superRefine((value, ctx) => {
  const ms = Date.parse(value);
  if (ms < EARLIEST_TIMESTAMP) {
    ctx.addIssue({ code: "custom", message: "is before 2020-01-01; send the event's real time" });
  } else if (ms > Date.now() + MAX_FUTURE_MS) {
    ctx.addIssue({
      code: "custom",
      message: "is more than 24 hours in the future; check the clock",
    });
  }
});

/** A short identifier or label (ids, names, versions, tags): storable text, 1 to 256 characters. */
export const Name = SafeText.min(1).max(LIMITS.maxNameLength);

/** A long free text (inputs, outputs, message contents): storable text up to 256 Ki characters. */
export const LongText = SafeText.max(LIMITS.maxTextLength);

/** A feedback comment, text value or error message: storable text up to 16 Ki characters. */
export const CommentText = SafeText.max(LIMITS.maxCommentLength);

/**
 * Free-form JSON metadata: an object, at most `maxMetadataDepth` deep and `maxMetadataBytes`
 * big, its strings and keys storable text, without a `__proto__` key.
 */
export const Metadata = boundedJsonObject({
  maxDepth: LIMITS.maxMetadataDepth,
  maxBytes: LIMITS.maxMetadataBytes,
});

/** Tags: short labels to filter by. */
export const Tags = z.array(Name).max(LIMITS.maxTags);

import { z } from "zod";
import { LIMITS } from "./limits.js";

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

/** A short identifier or label (ids, names, versions, tags). */
export const Name = z.string().min(1).max(LIMITS.maxNameLength);

/** A long free text (inputs, outputs, message contents). */
export const LongText = z.string().max(LIMITS.maxTextLength);

/** A JSON value. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

function jsonDepth(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, jsonDepth(child));
  return deepest + 1;
}

const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().refine(Number.isFinite, "must be a finite number"),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);

/** Free-form JSON metadata: an object, at most `maxMetadataDepth` deep and `maxMetadataBytes` big. */
export const Metadata = z.record(z.string(), JsonValueSchema).superRefine((value, ctx) => {
  const depth = jsonDepth(value);
  if (depth > LIMITS.maxMetadataDepth) {
    ctx.addIssue({
      code: "custom",
      message: `is nested ${depth} levels deep; the limit is ${LIMITS.maxMetadataDepth}`,
    });
    return;
  }
  const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  if (bytes > LIMITS.maxMetadataBytes) {
    ctx.addIssue({
      code: "custom",
      message: `is ${bytes} bytes as JSON; the limit is ${LIMITS.maxMetadataBytes}`,
    });
  }
});

/** Tags: short labels to filter by. */
export const Tags = z.array(Name).max(LIMITS.maxTags);

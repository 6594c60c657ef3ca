import { z } from "zod";
import { CommentText, EventId, LongText, Metadata, Name, Tags, Timestamp } from "./common.js";
import { LIMITS } from "./limits.js";
import { BoundedNumber, TokenCount } from "./numbers.js";

/** One chat message, as the OpenAI chat API shapes it. */
export const ChatMessage = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: LongText.nullable(),
  name: Name.optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** A model input or output: plain text or chat messages. */
export const Content = z.union([LongText, z.array(ChatMessage).max(LIMITS.maxMessages)]);
export type Content = z.infer<typeof Content>;

/**
 * Token usage as the provider reports it. As in OpenAI's API, `inputTokens` includes
 * `cachedInputTokens` (the cached part is priced lower, not added on top), so it cannot be
 * smaller: Anthropic's `input_tokens` leaves cache reads out, add them in.
 */
export const TokenUsage = z
  .object({
    inputTokens: TokenCount.optional(),
    outputTokens: TokenCount.optional(),
    cachedInputTokens: TokenCount.optional(),
  })
  .refine(
    (u) =>
      u.inputTokens === undefined ||
      u.cachedInputTokens === undefined ||
      u.cachedInputTokens <= u.inputTokens,
    {
      message: "cachedInputTokens is part of inputTokens, so it cannot exceed it",
      path: ["cachedInputTokens"],
    },
  );
export type TokenUsage = z.infer<typeof TokenUsage>;

/**
 * One LLM interaction. `id` is the request id that feedback refers to; `requestId` is the
 * caller's own id for the surrounding request or trace (an HTTP request id, say).
 */
export const LogEvent = z.object({
  type: z.literal("log"),
  id: EventId,
  timestamp: Timestamp,
  conversationId: Name.optional(),
  turnIndex: z.number().int().nonnegative().max(1_000_000).optional(),
  requestId: Name.optional(),
  /** The end user's id: raw on the client, stored only as a keyed hash. */
  userId: Name.optional(),
  sessionId: Name.optional(),
  promptName: Name.optional(),
  promptVersion: Name.optional(),
  experimentKey: Name.optional(),
  variant: Name.optional(),
  model: Name.optional(),
  provider: Name.optional(),
  input: Content.optional(),
  output: Content.optional(),
  usage: TokenUsage.optional(),
  /** Cost in US dollars, when the caller knows it; the server computes it otherwise. */
  costUsd: z.number().nonnegative().max(1_000_000).optional(),
  latencyMs: z.number().nonnegative().max(86_400_000).optional(),
  timeToFirstTokenMs: z.number().nonnegative().max(86_400_000).optional(),
  status: z.enum(["ok", "error"]).default("ok"),
  errorMessage: CommentText.optional(),
  tags: Tags.optional(),
  metadata: Metadata.optional(),
  /** For a shadow run: the id of the production request this candidate ran beside. */
  shadowOf: EventId.optional(),
});
export type LogEvent = z.infer<typeof LogEvent>;
export type LogEventInput = z.input<typeof LogEvent>;

/** The feedback names Loopkit knows, with the kind each belongs to. */
export const BUILTIN_FEEDBACK = {
  rating: "explicit",
  thumbs: "explicit",
  comment: "explicit",
  copied: "implicit",
  regenerated: "implicit",
  edited: "implicit",
  abandoned: "implicit",
  task_succeeded: "outcome",
} as const;

/** A numeric scale, such as 1–5 stars. */
export const Scale = z
  .object({ min: BoundedNumber, max: BoundedNumber })
  .refine((s) => s.max > s.min, { message: "max must be greater than min", path: ["max"] });

/**
 * Feedback on a request (`requestId`, the log event's id) or a whole conversation.
 * Built-in names constrain the value: `rating` is a number within `scale` (default 1–5),
 * `thumbs` and `task_succeeded` are booleans, `edited` carries `editRatio` (0 = kept as is,
 * 1 = fully rewritten), `comment` carries text.
 */
export const FeedbackEvent = z
  .object({
    type: z.literal("feedback"),
    id: EventId,
    timestamp: Timestamp,
    requestId: EventId.optional(),
    conversationId: Name.optional(),
    kind: z.enum(["explicit", "implicit", "outcome"]),
    name: Name.regex(/^[a-z][a-z0-9_.-]*$/, "must be lower-case letters, digits, _ . or -"),
    value: z.union([BoundedNumber, z.boolean(), CommentText]).optional(),
    scale: Scale.optional(),
    editRatio: z.number().min(0).max(1).optional(),
    comment: CommentText.optional(),
    source: z.enum(["user", "api", "judge", "reviewer"]).default("user"),
    userId: Name.optional(),
    sessionId: Name.optional(),
    metadata: Metadata.optional(),
  })
  .superRefine((event, ctx) => {
    if (!event.requestId && !event.conversationId) {
      ctx.addIssue({
        code: "custom",
        path: ["requestId"],
        message: "feedback needs a requestId (the log event's id) or a conversationId",
      });
    }
    const expectedKind = BUILTIN_FEEDBACK[event.name as keyof typeof BUILTIN_FEEDBACK];
    if (expectedKind && expectedKind !== event.kind) {
      ctx.addIssue({
        code: "custom",
        path: ["kind"],
        message: `"${event.name}" feedback is of kind "${expectedKind}"`,
      });
    }
    const fail = (path: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [path], message });
    switch (event.name) {
      case "rating": {
        if (typeof event.value !== "number") return fail("value", "a rating needs a number value");
        const scale = event.scale ?? { min: 1, max: 5 };
        if (event.value < scale.min || event.value > scale.max) {
          fail("value", `is outside the scale ${scale.min}–${scale.max}`);
        }
        return;
      }
      case "thumbs":
      case "task_succeeded":
        if (typeof event.value !== "boolean")
          fail("value", `"${event.name}" needs a boolean value`);
        return;
      case "edited":
        if (event.editRatio === undefined) fail("editRatio", "edited feedback needs an editRatio");
        return;
      case "comment":
        if (typeof event.value !== "string" && !event.comment) {
          fail("comment", "comment feedback needs a comment text");
        }
        return;
    }
    if (event.scale && typeof event.value !== "number") {
      fail("scale", "a scale only goes with a number value");
    }
  });
export type FeedbackEvent = z.infer<typeof FeedbackEvent>;
export type FeedbackEventInput = z.input<typeof FeedbackEvent>;

/** A unit (usually a user) was shown a variant of an experiment. */
export const ExposureEvent = z.object({
  type: z.literal("exposure"),
  id: EventId,
  timestamp: Timestamp,
  experimentKey: Name,
  variant: Name,
  /** The id the assignment hashed: raw on the client, stored only as a keyed hash. */
  unitId: Name,
  metadata: Metadata.optional(),
});
export type ExposureEvent = z.infer<typeof ExposureEvent>;
export type ExposureEventInput = z.input<typeof ExposureEvent>;

/** Any event that `ingest.batch` takes. */
export const IngestEvent = z.discriminatedUnion("type", [LogEvent, FeedbackEvent, ExposureEvent]);
export type IngestEvent = z.infer<typeof IngestEvent>;
export type IngestEventInput = z.input<typeof IngestEvent>;

import type { IngestEvent } from "@loopkit/core";
import { type ExposureEvent, type FeedbackEvent, type LogEvent, redactDeep } from "@loopkit/core";
import { computeCost, resolveUsage } from "@loopkit/core/usage";
import type {
  StoredEvent,
  StoredExposureEvent,
  StoredFeedbackEvent,
  StoredLogEvent,
} from "@loopkit/db";
import { userHash } from "./user-hash.js";

/** What enrichment needs to know about the project. */
export interface EnrichmentPolicy {
  /** Redact PII and secrets from texts and metadata (the project's policy; on by default). */
  redactPii: boolean;
  /** The project's key for hashing user and unit ids. */
  userIdKey: string;
}

/**
 * Turns a validated event into what is stored: PII and secrets redacted by the project's
 * policy (even when the client already redacted), user and unit ids replaced by keyed hashes,
 * and tokens and cost computed where the client did not send them.
 */
export async function enrichEvent(
  event: IngestEvent,
  policy: EnrichmentPolicy,
): Promise<StoredEvent> {
  switch (event.type) {
    case "log":
      return enrichLog(event, policy);
    case "feedback":
      return enrichFeedback(event, policy);
    case "exposure":
      return enrichExposure(event, policy);
  }
}

async function enrichLog(event: LogEvent, policy: EnrichmentPolicy): Promise<StoredLogEvent> {
  const { userId, ...rest } = event;
  const redacted = policy.redactPii
    ? redactFields(rest, ["input", "output", "errorMessage", "metadata"])
    : rest;
  // Provider-reported counts win; missing ones are counted from the (unredacted) texts.
  const resolved = resolveUsage(event);
  const usage = resolved
    ? {
        inputTokens: resolved.inputTokens,
        outputTokens: resolved.outputTokens,
        cachedInputTokens: resolved.cachedInputTokens,
      }
    : event.usage;
  const costMicros =
    event.costUsd !== undefined
      ? Math.round(event.costUsd * 1_000_000)
      : event.model && usage
        ? (computeCost({ model: event.model, provider: event.provider, usage })?.costMicros ?? null)
        : null;
  return {
    ...redacted,
    ...(usage ? { usage } : {}),
    userHash: userId ? userHash(userId, policy.userIdKey) : null,
    costMicros,
    tokensEstimated: resolved?.estimated ?? false,
  };
}

async function enrichFeedback(
  event: FeedbackEvent,
  policy: EnrichmentPolicy,
): Promise<StoredFeedbackEvent> {
  const { userId, ...rest } = event;
  const redacted = policy.redactPii ? redactFields(rest, ["comment", "value", "metadata"]) : rest;
  return { ...redacted, userHash: userId ? userHash(userId, policy.userIdKey) : null };
}

async function enrichExposure(
  event: ExposureEvent,
  policy: EnrichmentPolicy,
): Promise<StoredExposureEvent> {
  const { unitId, ...rest } = event;
  return { ...rest, unitHash: userHash(unitId, policy.userIdKey) };
}

function redactFields<T extends object>(event: T, fields: Array<keyof T>): T {
  const copy = { ...event };
  for (const field of fields) {
    const value = copy[field];
    if (
      value === undefined ||
      value === null ||
      typeof value === "number" ||
      typeof value === "boolean"
    )
      continue;
    copy[field] = redactDeep(value).value as T[keyof T];
  }
  return copy;
}

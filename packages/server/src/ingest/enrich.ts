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

/** The fields of each event type that may hold free text, so PII. */
const LOG_TEXT_FIELDS = ["input", "output", "errorMessage", "metadata"] as const;
const FEEDBACK_TEXT_FIELDS = ["comment", "value", "metadata"] as const;

/**
 * Turns a validated event into what is stored: PII and secrets redacted by the project's
 * policy (even when the client already redacted), user and unit ids replaced by keyed hashes,
 * and tokens and cost computed where the client did not send them. The event itself is left as
 * it is: each stored event is one new object, completed by assignment (spreading a ~25-field
 * event into a new literal costs more than all the rest of enrichment without redaction).
 */
export function enrichEvent(event: IngestEvent, policy: EnrichmentPolicy): StoredEvent {
  switch (event.type) {
    case "log":
      return enrichLog(event, policy);
    case "feedback":
      return enrichFeedback(event, policy);
    case "exposure":
      return enrichExposure(event, policy);
  }
}

function enrichLog(event: LogEvent, policy: EnrichmentPolicy): StoredLogEvent {
  const { userId, ...rest } = event;
  const stored = rest as StoredLogEvent; // its own fields are set below
  if (policy.redactPii) redactInPlace(stored, LOG_TEXT_FIELDS);
  // Provider-reported counts win; missing ones are counted from the (unredacted) texts, and
  // only then: with both counts reported, no tokenizer runs.
  const resolved = resolveUsage(event);
  if (resolved) {
    stored.usage = {
      inputTokens: resolved.inputTokens,
      outputTokens: resolved.outputTokens,
      cachedInputTokens: resolved.cachedInputTokens,
    };
  }
  stored.costMicros =
    event.costUsd !== undefined
      ? Math.round(event.costUsd * 1_000_000)
      : event.model && stored.usage
        ? (computeCost({ model: event.model, provider: event.provider, usage: stored.usage })
            ?.costMicros ?? null)
        : null;
  stored.userHash = userId ? userHash(userId, policy.userIdKey) : null;
  stored.tokensEstimated = resolved?.estimated ?? false;
  return stored;
}

function enrichFeedback(event: FeedbackEvent, policy: EnrichmentPolicy): StoredFeedbackEvent {
  const { userId, ...rest } = event;
  const stored = rest as StoredFeedbackEvent; // its own field is set below
  if (policy.redactPii) redactInPlace(stored, FEEDBACK_TEXT_FIELDS);
  stored.userHash = userId ? userHash(userId, policy.userIdKey) : null;
  return stored;
}

function enrichExposure(event: ExposureEvent, policy: EnrichmentPolicy): StoredExposureEvent {
  const { unitId, ...rest } = event;
  const stored = rest as StoredExposureEvent; // its own field is set below
  stored.unitHash = userHash(unitId, policy.userIdKey);
  return stored;
}

/** Replaces each text-bearing field of `copy` (a copy owned by the caller) by its redaction. */
function redactInPlace<T extends object>(copy: T, fields: readonly (keyof T)[]): void {
  for (const field of fields) {
    const value = copy[field];
    if (typeof value === "string" || (typeof value === "object" && value !== null)) {
      copy[field] = redactDeep(value).value as T[keyof T];
    }
  }
}

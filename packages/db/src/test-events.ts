import { newEventId } from "@loopkit/core";
import type { StoredExposureEvent, StoredFeedbackEvent, StoredLogEvent } from "./stored-events.js";

/** Test data only (not exported by the package): events as the server hands them over. */
export function logEvent(overrides: Partial<StoredLogEvent> = {}): StoredLogEvent {
  const timestamp = overrides.timestamp ?? new Date().toISOString();
  return {
    type: "log",
    id: newEventId(Date.parse(timestamp)),
    timestamp,
    status: "ok",
    userHash: null,
    costMicros: null,
    tokensEstimated: false,
    ...overrides,
  };
}

/** A feedback event on `requestId` (test data only). */
export function feedbackEvent(
  requestId: string,
  overrides: Partial<StoredFeedbackEvent> & Pick<StoredFeedbackEvent, "name" | "kind">,
): StoredFeedbackEvent {
  const timestamp = overrides.timestamp ?? new Date().toISOString();
  return {
    type: "feedback",
    id: newEventId(Date.parse(timestamp)),
    timestamp,
    requestId,
    source: "user",
    userHash: null,
    ...overrides,
  };
}

/** An exposure of `unitHash` to `variant` (test data only). */
export function exposureEvent(
  experimentKey: string,
  variant: string,
  unitHash: string,
  overrides: Partial<StoredExposureEvent> = {},
): StoredExposureEvent {
  const timestamp = overrides.timestamp ?? new Date().toISOString();
  return {
    type: "exposure",
    id: newEventId(Date.parse(timestamp)),
    timestamp,
    experimentKey,
    variant,
    unitHash,
    ...overrides,
  };
}

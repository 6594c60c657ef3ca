import { newEventId } from "@loopkit/core";

/** A valid log event (the wire form `ingest.batch` takes), with `overrides` applied. */
export function logEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "log",
    id: newEventId(),
    timestamp: new Date().toISOString(),
    promptName: "support-answer",
    promptVersion: "v1",
    model: "gpt-4o-mini",
    input: [{ role: "user", content: "How do I reset my password?" }],
    output: "Open Settings, then Security, then Reset password.",
    usage: { inputTokens: 12, outputTokens: 10 },
    latencyMs: 420,
    ...overrides,
  };
}

/** A valid thumbs feedback event on a request. */
export function feedbackEvent(
  requestId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: "feedback",
    id: newEventId(),
    timestamp: new Date().toISOString(),
    requestId,
    kind: "explicit",
    name: "thumbs",
    value: true,
    ...overrides,
  };
}

/** A valid exposure event. */
export function exposureEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "exposure",
    id: newEventId(),
    timestamp: new Date().toISOString(),
    experimentKey: "checkout-copy",
    variant: "control",
    unitId: "unit-1",
    ...overrides,
  };
}

import { newEventId } from "@loopkit/core";

/** A valid log event with realistic fields; `overrides` replace fields. */
export function logEvent(overrides: Record<string, unknown> = {}) {
  return {
    type: "log",
    id: newEventId(),
    timestamp: new Date().toISOString(),
    promptName: "support",
    promptVersion: "v1",
    model: "gpt-4o-mini",
    input: [{ role: "user", content: "How do I reset my password?" }],
    output: "Open Settings, then Security.",
    latencyMs: 420,
    userId: "user-1",
    ...overrides,
  };
}

/** A valid feedback event on a request. */
export function feedbackEvent(requestId: string, overrides: Record<string, unknown> = {}) {
  return {
    type: "feedback",
    id: newEventId(),
    timestamp: new Date().toISOString(),
    requestId,
    kind: "outcome",
    name: "task_succeeded",
    value: true,
    ...overrides,
  };
}

/** A valid exposure event. */
export function exposureEvent(overrides: Record<string, unknown> = {}) {
  return {
    type: "exposure",
    id: newEventId(),
    timestamp: new Date().toISOString(),
    experimentKey: "exp-1",
    variant: "control",
    unitId: "user-1",
    ...overrides,
  };
}

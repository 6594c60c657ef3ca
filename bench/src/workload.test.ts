import { FeedbackEvent, LogEvent, newEventId } from "@loopkit/core";
import { describe, expect, it } from "vitest";
import { FEEDBACK_SHARE, feedbackAt, feedbackCount, logEventAt } from "./workload.js";

const chars = (content: unknown) => JSON.stringify(content).length;

describe("the benchmark workload", () => {
  it("makes log events the server accepts, with ~0.5 KB of input and ~1 KB of output", () => {
    for (const i of [0, 1, 2, 97, 12_345, 99_999]) {
      const event = logEventAt(i);
      const parsed = LogEvent.safeParse({
        ...event,
        type: "log",
        id: newEventId(),
        timestamp: new Date().toISOString(),
      });
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      const input = event.input as Array<{ content: string }>;
      expect(input.reduce((n, m) => n + m.content.length, 0)).toBe(500);
      expect((event.output as string).length).toBe(1000);
      expect(chars(event.metadata)).toBeGreaterThan(50);
    }
  });

  it("is the same for the same index", () => {
    expect(logEventAt(4242)).toEqual(logEventAt(4242));
    expect(logEventAt(4242).output).not.toEqual(logEventAt(4243).output);
  });

  it("gives 30% of log events one valid feedback event on that request", () => {
    let withFeedback = 0;
    const names = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const requestId = newEventId();
      const feedback = feedbackAt(i, requestId);
      if (!feedback) continue;
      withFeedback++;
      names.add(feedback.name);
      expect(feedback.requestId).toBe(requestId);
      const parsed = FeedbackEvent.safeParse({
        ...feedback,
        type: "feedback",
        id: newEventId(),
        timestamp: new Date().toISOString(),
      });
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
    expect(withFeedback).toBe(1000 * FEEDBACK_SHARE);
    expect(feedbackCount(1000)).toBe(withFeedback);
    expect([...names].sort()).toEqual(["rating", "task_succeeded", "thumbs"]);
  });
});

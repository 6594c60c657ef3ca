import { hashUserId, type LogEvent } from "@loopkit/core";
import { describe, expect, it } from "vitest";
import { enrichEvent } from "./enrich.js";

const policy = { redactPii: true, userIdKey: "k".repeat(64) };

function logEvent(overrides: Partial<LogEvent> = {}): LogEvent {
  return {
    type: "log",
    id: "01890a5d-ac96-7b3c-8d6e-0123456789ab",
    timestamp: "2025-03-04T05:06:07.891Z",
    status: "ok",
    userId: "jane.doe@example.com",
    model: "gpt-4o-mini",
    input: [{ role: "user", content: "mail me at jane.doe@example.com" }],
    output: "done, jane.doe@example.com",
    metadata: { contact: "jane.doe@example.com", plan: "pro" },
    usage: { inputTokens: 1000, outputTokens: 500 },
    ...overrides,
  };
}

describe("enrichEvent", () => {
  it("redacts a copy, hashes the user id away and leaves the event as it was", async () => {
    const event = logEvent();
    const before = structuredClone(event);
    const stored = enrichEvent(event, policy);
    expect(event).toEqual(before);
    expect(JSON.stringify(stored)).not.toContain("jane.doe@example.com");
    expect(stored).not.toHaveProperty("userId");
    expect(stored).toMatchObject({
      input: [{ role: "user", content: "mail me at [EMAIL]" }],
      output: "done, [EMAIL]",
      metadata: { contact: "[EMAIL]", plan: "pro" },
      userHash: await hashUserId("jane.doe@example.com", policy.userIdKey),
    });
  });

  it("keeps texts as sent when the project does not redact", () => {
    const stored = enrichEvent(logEvent(), { ...policy, redactPii: false });
    expect(stored).toMatchObject({ output: "done, jane.doe@example.com" });
  });

  it("prices the provider's usage without counting tokens", () => {
    // gpt-4o-mini at $0.15/MTok input and $0.60/MTok output (OpenAI pricing, as bundled by
    // genai-prices): 1000 × 0.15 + 500 × 0.6 = 450 micro-dollars.
    expect(enrichEvent(logEvent(), policy)).toMatchObject({
      usage: { inputTokens: 1000, outputTokens: 500, cachedInputTokens: 0 },
      costMicros: 450,
      tokensEstimated: false,
    });
  });

  it("counts the tokens the provider did not report", () => {
    const stored = enrichEvent(
      logEvent({ usage: { inputTokens: 7 }, output: "Hello world" }),
      policy,
    );
    // "Hello world" is 2 tokens in o200k_base (gpt-4o-mini's encoding; OpenAI's tokenizer page).
    expect(stored).toMatchObject({ usage: { inputTokens: 7, outputTokens: 2 } });
  });

  it("prices cached tokens reported without an input count instead of failing the batch", () => {
    // Only the cache hits reported: the counted input ("mail me at …", a few tokens) is below
    // them, and input tokens include the cached ones, so the input is taken as the 2,000 cached.
    // gpt-4o-mini's cached input at $0.075/MTok and output at $0.60/MTok (OpenAI pricing, as
    // bundled by genai-prices): 2000 × 0.075 + 500 × 0.6 = 450 micro-dollars.
    const stored = enrichEvent(
      logEvent({ usage: { cachedInputTokens: 2000, outputTokens: 500 } }),
      policy,
    );
    expect(stored).toMatchObject({
      usage: { inputTokens: 2000, outputTokens: 500, cachedInputTokens: 2000 },
      costMicros: 450,
    });
  });

  it("counts a text of one unbroken run in bounded time, as an estimate", () => {
    // BPE is quadratic in one run's length (openai/tiktoken#195): counted whole, this 256 Ki
    // input (the longest an event may carry) held the event loop ~40 s; see count-tokens.ts.
    const stored = enrichEvent(
      logEvent({ input: "x".repeat(256 * 1024), output: "ok", usage: undefined }),
      policy,
    );
    expect(stored).toMatchObject({ tokensEstimated: true });
    expect((stored as { usage?: { inputTokens: number } }).usage?.inputTokens).toBeGreaterThan(0);
  });

  it("replaces a feedback user id and an exposure unit id by their keyed hashes", async () => {
    const feedback = enrichEvent(
      {
        type: "feedback",
        id: "01890a5d-ac96-7b3c-8d6e-0123456789ac",
        timestamp: "2025-03-04T05:06:07.891Z",
        kind: "explicit",
        name: "comment",
        source: "user",
        userId: "u-1",
        comment: "call me on jane.doe@example.com",
      },
      policy,
    );
    expect(feedback).not.toHaveProperty("userId");
    expect(feedback).toMatchObject({
      comment: "call me on [EMAIL]",
      userHash: await hashUserId("u-1", policy.userIdKey),
    });
    const exposure = enrichEvent(
      {
        type: "exposure",
        id: "01890a5d-ac96-7b3c-8d6e-0123456789ad",
        timestamp: "2025-03-04T05:06:07.891Z",
        experimentKey: "exp",
        variant: "b",
        unitId: "u-1",
      },
      policy,
    );
    expect(exposure).not.toHaveProperty("unitId");
    expect(exposure).toMatchObject({ unitHash: await hashUserId("u-1", policy.userIdKey) });
  });
});

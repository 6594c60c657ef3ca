import { describe, expect, it } from "vitest";
import { KeyRateLimit, KeyRateLimits, RateLimitedError } from "./key-rate-limits.js";

/** A clock the test moves by hand, in ms. */
function manualClock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function refusal(take: () => void): RateLimitedError {
  try {
    take();
  } catch (error) {
    if (error instanceof RateLimitedError) return error;
    throw error;
  }
  throw new Error("expected RATE_LIMITED, got through");
}

describe("KeyRateLimit (token bucket)", () => {
  it("lets a burst through, then refills at the rate (10/s, burst 20)", () => {
    const clock = manualClock();
    const limit = new KeyRateLimit({ perSecond: 10, burst: 20 }, "requests", clock.now);
    for (let i = 0; i < 20; i++) limit.take("a");
    const refused = refusal(() => limit.take("a"));
    expect(refused.code).toBe("RATE_LIMITED");
    expect(refused.retryAfterSeconds).toBe(1);
    expect(refused.message).toMatch(/more than 10 requests per second/);
    clock.advance(100); // one token back
    limit.take("a");
    expect(() => limit.take("a")).toThrow(RateLimitedError);
    clock.advance(60_000); // refills to the burst, never past it
    for (let i = 0; i < 20; i++) limit.take("a");
    expect(() => limit.take("a")).toThrow(RateLimitedError);
  });

  it("keeps one bucket per key: a key over its limit does not slow another", () => {
    const clock = manualClock();
    const limit = new KeyRateLimit({ perSecond: 1, burst: 1 }, "requests", clock.now);
    limit.take("a");
    expect(() => limit.take("a")).toThrow(RateLimitedError);
    expect(() => limit.take("b")).not.toThrow();
  });

  it("charges nothing for a refused take, and Retry-After is the wait for the tokens asked", () => {
    const clock = manualClock();
    const limit = new KeyRateLimit({ perSecond: 100, burst: 500 }, "events", clock.now);
    limit.take("a", 400);
    // 100 left; 350 more need 250 tokens = 2.5 s → 3 s.
    expect(refusal(() => limit.take("a", 350)).retryAfterSeconds).toBe(3);
    clock.advance(2500);
    limit.take("a", 350); // the refusal took nothing: exactly enough after 2.5 s
    expect(() => limit.take("a", 1)).toThrow(RateLimitedError);
  });

  it("forgets keys whose bucket has refilled once it tracks many (idle keys cost no memory)", () => {
    const clock = manualClock();
    const limit = new KeyRateLimit({ perSecond: 1, burst: 2 }, "requests", clock.now);
    for (let i = 0; i < 10_000; i++) limit.take(`key-${i}`);
    clock.advance(1000); // every bucket full again
    limit.take("newcomer");
    const buckets = (limit as unknown as { buckets: Map<string, unknown> }).buckets;
    expect([...buckets.keys()]).toEqual(["newcomer"]);
  });

  it("refuses a rate it cannot run with INVALID_CONFIG", () => {
    expect(() => new KeyRateLimit({ perSecond: 0, burst: 10 }, "requests")).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
  });
});

describe("KeyRateLimits (requests and events per key)", () => {
  it("limits calls and events separately, and 0 turns a limit off", () => {
    const clock = manualClock();
    const limits = new KeyRateLimits(
      { requestsPerSecond: 2, eventsPerSecond: 0, burstSeconds: 1 },
      clock.now,
    );
    limits.request("a");
    limits.request("a");
    expect(() => limits.request("a")).toThrow(RateLimitedError);
    for (let i = 0; i < 100; i++) limits.sendEvents("a", 500); // events: no limit
    const eventsOnly = new KeyRateLimits(
      { requestsPerSecond: 0, eventsPerSecond: 250, burstSeconds: 2 },
      clock.now,
    );
    eventsOnly.sendEvents("a", 500);
    expect(refusal(() => eventsOnly.sendEvents("a", 1)).message).toMatch(/250 events per second/);
    for (let i = 0; i < 100; i++) eventsOnly.request("a");
  });

  it("refuses an events burst smaller than one full batch (500), which could never pass", () => {
    expect(
      () => new KeyRateLimits({ requestsPerSecond: 10, eventsPerSecond: 200, burstSeconds: 2 }),
    ).toThrow(/less than one full batch of 500/);
    expect(
      () => new KeyRateLimits({ requestsPerSecond: -1, eventsPerSecond: 0, burstSeconds: 2 }),
    ).toThrow(expect.objectContaining({ code: "INVALID_CONFIG" }));
  });
});

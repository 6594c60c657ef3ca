import { describe, expect, it } from "vitest";
import { parseRetryAfter, retryDelayMs } from "./backoff.js";

describe("retryDelayMs (equal jitter)", () => {
  it("draws uniformly between half and all of min(cap, base·2^attempt)", () => {
    expect(retryDelayMs(1, null, 250, 30_000, () => 0.999)).toBe(499);
    expect(retryDelayMs(3, null, 250, 30_000, () => 0.5)).toBe(1500);
    expect(retryDelayMs(20, null, 250, 30_000, () => 0.5)).toBe(22_500);
    expect(retryDelayMs(2, null, 250, 30_000, () => 0)).toBe(500);
  });

  it("spans at least 30 s over the 7 retries of the default 8 attempts, whatever the draws", () => {
    let total = 0;
    for (let attempt = 1; attempt <= 7; attempt++)
      total += retryDelayMs(attempt, null, 250, 30_000, () => 0);
    expect(total).toBe(30_750); // halves of 500, 1000, …, 16,000 and of the 30,000 cap
  });

  it("never waits less than Retry-After", () => {
    expect(retryDelayMs(1, 5000, 250, 30_000, () => 0.1)).toBe(5000);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates (RFC 9110 §10.2.3)", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
  });
});

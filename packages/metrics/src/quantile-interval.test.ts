import { describe, expect, it } from "vitest";
import { latencyIntervalsOf, quantileIntervalRanks } from "./quantile-interval.js";

describe("quantileIntervalRanks (order statistics at binomial ranks)", () => {
  it("gives the textbook ranks for the median", () => {
    // Tables of distribution-free 95% intervals for the median (e.g. Conover, Practical
    // Nonparametric Statistics, §3.2): n = 10 → x(2)…x(9) (97.9%), n = 14 → x(3)…x(12)
    // (98.7%; x(4)…x(11) covers only 94.3%), n = 20 → x(6)…x(15) (95.9%), n = 100 → x(40)…x(61).
    expect(quantileIntervalRanks(10, 0.5)).toEqual({ lower: 2, upper: 9 });
    expect(quantileIntervalRanks(14, 0.5)).toEqual({ lower: 3, upper: 12 });
    expect(quantileIntervalRanks(20, 0.5)).toEqual({ lower: 6, upper: 15 });
    expect(quantileIntervalRanks(100, 0.5)).toEqual({ lower: 40, upper: 61 });
  });

  it("matches R statpsych's ci.median documented example", () => {
    // statpsych::ci.median(.05, y) for these 19 scores returns LL 10.8, UL 30.9
    // (https://dgbonett.github.io/statpsych/reference/ci.median.html).
    const y = [
      30.2, 20.4, 15.1, 10.2, 10.5, 60.8, 20.8, 25.0, 20.7, 30.9, 10.8, 5.1, 50.9, 40.0, 20.9, 10.8,
      0, 20.5, 50.8,
    ].sort((a, b) => a - b);
    expect(latencyIntervalsOf(y, 0.95)?.p50).toEqual({ lower: 10.8, upper: 30.9 });
  });

  it("leaves a side unbounded when too few values reach the level", () => {
    // p95 of 5 values: P(B ≤ 3) = 0.0226 ≤ 0.025 for B ~ Binomial(5, 0.95), but only
    // P(B ≤ 5) = 1 reaches 0.975, so the upper rank would be 6 > n.
    expect(quantileIntervalRanks(5, 0.95)).toEqual({ lower: 4, upper: 6 });
    expect(latencyIntervalsOf([1, 2, 3, 4, 5], 0.95)?.p95).toEqual({ lower: 4, upper: null });
    expect(latencyIntervalsOf([], 0.95)).toBeNull();
  });

  it("refuses what it cannot rank, with a code", () => {
    expect(() => quantileIntervalRanks(0, 0.5)).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
    expect(() => quantileIntervalRanks(10, 1)).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
  });
});

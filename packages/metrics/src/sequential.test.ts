import { describe, expect, it } from "vitest";
import { expectClose } from "../test/expect-close.js";
import { confidenceSequence } from "./sequential.js";

// Expected values: GrowthBook gbstats' formulas (sequential_rho, sequential_interval_halfwidth,
// SequentialTwoSidedTTest p-value, eq. 9/155/161 of Waudby-Smith et al. 2023) evaluated with
// numpy in test/reference/more_tests.py.
const CONFIDENCESEQUENCE = [
  {
    estimate: 0.02,
    se: 0.01,
    n: 2000,
    tuning: 5000,
    alpha: 0.05,
    rho: 0.03984006677137368,
    lower: -0.011237790916747297,
    upper: 0.051237790916747294,
    pValue: 0.44646083307915113,
  },
  {
    estimate: 0.02,
    se: 0.008,
    n: 20000,
    tuning: 5000,
    alpha: 0.05,
    rho: 0.03984006677137368,
    lower: -0.005016913149503921,
    upper: 0.04501691314950392,
    pValue: 0.2765965983771823,
  },
  {
    estimate: -0.3,
    se: 0.1,
    n: 500,
    tuning: 1000,
    alpha: 0.1,
    rho: 0.07955413003292938,
    lower: -0.5817420628860109,
    upper: -0.018257937113989042,
    pValue: 0.06679478894038612,
  },
  {
    estimate: 0.001,
    se: 0.01,
    n: 100,
    tuning: 5000,
    alpha: 0.05,
    rho: 0.03984006677137368,
    lower: -0.0659438861706604,
    upper: 0.0679438861706604,
    pValue: 1,
  },
];

describe("confidenceSequence", () => {
  it.each(CONFIDENCESEQUENCE)("case %# matches gbstats", (c) => {
    const result = confidenceSequence({
      estimate: c.estimate,
      standardError: c.se,
      n: c.n,
      tuning: c.tuning,
      alpha: c.alpha,
    });
    expectClose(result.rho, c.rho);
    expectClose(result.interval.lower, c.lower);
    expectClose(result.interval.upper, c.upper);
    expectClose(result.pValue, c.pValue);
  });
  it("rejects exactly when the interval excludes zero", () => {
    for (const estimate of [0.005, 0.01, 0.02, 0.03, 0.05]) {
      const r = confidenceSequence({ estimate, standardError: 0.008, n: 20_000 });
      expect(r.pValue < 0.05).toBe(r.interval.lower > 0);
    }
  });
  it("reads a zero standard error as no evidence (gbstats' uninformative output, p = 1)", () => {
    // One request per arm, 0/1 against 1/1: the unpooled standard error is 0. gbstats'
    // TTest.compute_result returns p = 1 when the variance is not positive.
    for (const estimate of [0, 1, -0.4]) {
      expect(confidenceSequence({ estimate, standardError: 0, n: 2 }).pValue).toBe(1);
    }
  });
  it("is wider than the fixed-horizon interval at the same data", () => {
    const r = confidenceSequence({ estimate: 0, standardError: 0.01, n: 5000 });
    expect(r.interval.upper).toBeGreaterThan(1.96 * 0.01);
  });
});

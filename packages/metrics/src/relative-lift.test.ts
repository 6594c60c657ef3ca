import { describe, expect, it } from "vitest";
import { expectClose } from "../test/expect-close.js";
import { relativeLift } from "./relative-lift.js";

// Expected values: the delta-method variance of GrowthBook gbstats' TTest (relative), evaluated
// with numpy/scipy in test/reference/more_tests.py.
const RELATIVELIFT = [
  {
    a: { mean: 0.12, varianceOfMean: 0.0001056 },
    b: { mean: 0.15, varianceOfMean: 0.0001275 },
    confidence: 0.95,
    lift: 0.25,
    lower: -0.029337846156494596,
    upper: 0.5293378461564946,
  },
  {
    a: { mean: 10.0, varianceOfMean: 0.08 },
    b: { mean: 10.5, varianceOfMean: 0.1388888888888889 },
    confidence: 0.9,
    lift: 0.05,
    lower: -0.02838359884766288,
    upper: 0.12838359884766287,
  },
];

describe("relativeLift", () => {
  it.each(RELATIVELIFT)("case %# matches gbstats' delta method", (c) => {
    const result = relativeLift(c.a, c.b, c.confidence);
    expectClose(result?.lift, c.lift);
    expectClose(result?.interval.lower, c.lower);
    expectClose(result?.interval.upper, c.upper);
  });
  it("is undefined against a zero baseline", () => {
    expect(
      relativeLift({ mean: 0, varianceOfMean: 0 }, { mean: 1, varianceOfMean: 0.1 }),
    ).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { expectClose } from "../test/expect-close.js";
import { welchTTest } from "./welch.js";

// Expected values: statsmodels 0.13.5 CompareMeans(...).ttest_ind / tconfint_diff with
// usevar="unequal", computed on seeded raw samples whose summaries are given here — printed by
// test/reference/basic_tests.py.
const WELCH = [
  {
    a: { mean: 3.1802673842721454, sd: 1.1559054569303242, n: 12 },
    b: { mean: 3.881854242579402, sd: 1.0084197270990425, n: 15 },
    confidence: 0.95,
    t: 1.6576339202203259,
    df: 22.050300628170707,
    pValue: 0.11155194302613075,
    lower: -0.17605545855721216,
    upper: 1.5792291751717253,
  },
  {
    a: { mean: 10.443361940624477, sd: 4.2686069691709445, n: 200 },
    b: { mean: 10.195678399549907, sd: 1.9654805770860497, n: 180 },
    confidence: 0.95,
    t: -0.7382306009635079,
    df: 286.14707067359313,
    pValue: 0.4609793436562927,
    lower: -0.9080636146553699,
    upper: 0.41269653250622207,
  },
  {
    a: { mean: 0.10683734461525037, sd: 0.51338714456644, n: 5 },
    b: { mean: -0.8617644691131009, sd: 2.7238336622029786, n: 40 },
    confidence: 0.9,
    t: -1.9846272105380651,
    df: 35.98199431061241,
    pValue: 0.05485166331086732,
    lower: -1.7925902310674868,
    upper: -0.14461339638921578,
  },
];

describe("welchTTest", () => {
  it.each(WELCH)("case %# matches statsmodels on the raw data", (c) => {
    const result = welchTTest(c.a, c.b, c.confidence);
    expectClose(result.t, c.t);
    expectClose(result.df, c.df);
    expectClose(result.pValue, c.pValue);
    expectClose(result.interval.lower, c.lower);
    expectClose(result.interval.upper, c.upper);
  });
  it("needs two observations per sample", () => {
    expect(() => welchTTest({ mean: 1, sd: 0, n: 1 }, { mean: 2, sd: 1, n: 5 })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
  });
  it("reads zero variance and equal means as no evidence", () => {
    const result = welchTTest({ mean: 3, sd: 0, n: 4 }, { mean: 3, sd: 0, n: 9 });
    expect(result.pValue).toBe(1);
  });
});

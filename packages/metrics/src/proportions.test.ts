import { describe, expect, it } from "vitest";
import { expectClose } from "../test/expect-close.js";
import { twoProportionZTest, wilsonInterval } from "./proportions.js";

// Expected values: statsmodels 0.13.5 — proportion_confint(method="wilson"), proportions_ztest
// (pooled) and confint_proportions_2indep(method="wald", compare="diff") — printed by
// test/reference/basic_tests.py.
const WILSON = [
  { x: 0, n: 10, confidence: 0.95, lower: 0.0, upper: 0.2775327998628892 },
  { x: 7, n: 10, confidence: 0.95, lower: 0.39677814746114537, upper: 0.8922087325936989 },
  { x: 50, n: 100, confidence: 0.9, lower: 0.4188477961125295, upper: 0.5811522038874706 },
  { x: 999, n: 1000, confidence: 0.99, lower: 0.9915394337800183, upper: 0.9998825836463816 },
  { x: 1234, n: 5678, confidence: 0.95, lower: 0.2067955545595839, upper: 0.22824675993219393 },
];
const TWOPROPORTION = [
  {
    a: [120, 1000],
    b: [150, 1000],
    confidence: 0.95,
    z: 1.963049807622355,
    pValue: 0.04964038686536878,
    lower: 7.602882129778554e-5,
    upper: 0.05992397117870221,
  },
  {
    a: [45, 300],
    b: [30, 320],
    confidence: 0.95,
    z: -2.1464713949972136,
    pValue: 0.031835388576669954,
    lower: -0.10775280157392587,
    upper: -0.004747198426074115,
  },
  {
    a: [5000, 10000],
    b: [5100, 10050],
    confidence: 0.99,
    z: 1.0567279481744003,
    pValue: 0.2906357659892985,
    lower: -0.010727498344747535,
    upper: 0.025652871479075936,
  },
  {
    a: [3, 12],
    b: [9, 15],
    confidence: 0.9,
    z: 1.818653347947321,
    pValue: 0.06896433333905408,
    lower: 0.05748878357271919,
    upper: 0.6425112164272808,
  },
];

describe("wilsonInterval", () => {
  it.each(WILSON)(
    "$x/$n at $confidence matches statsmodels",
    ({ x, n, confidence, lower, upper }) => {
      const interval = wilsonInterval(x, n, confidence);
      if (lower === 0) expect(interval?.lower).toBe(0);
      else expectClose(interval?.lower, lower);
      expectClose(interval?.upper, upper);
    },
  );
  it("has no interval without data, rather than a zero rate", () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
  it("rejects more successes than trials with a code", () => {
    expect(() => wilsonInterval(5, 3)).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
  });
});

describe("twoProportionZTest", () => {
  it.each(TWOPROPORTION)(
    "$a vs $b matches statsmodels",
    ({ a, b, confidence, z, pValue, lower, upper }) => {
      const result = twoProportionZTest(
        { successes: a[0]!, n: a[1]! },
        { successes: b[0]!, n: b[1]! },
        confidence,
      );
      expectClose(result.z, z);
      expectClose(result.pValue, pValue);
      expectClose(result.interval.lower, lower);
      expectClose(result.interval.upper, upper);
    },
  );
  it("gives p = 1 when both rates are 0 (no variance, no evidence)", () => {
    const result = twoProportionZTest({ successes: 0, n: 10 }, { successes: 0, n: 20 });
    expect(result.pValue).toBe(1);
    expect(result.difference).toBe(0);
  });
  it("refuses an empty sample", () => {
    expect(() => twoProportionZTest({ successes: 0, n: 0 }, { successes: 1, n: 2 })).toThrow(
      /at least one trial/,
    );
  });
});

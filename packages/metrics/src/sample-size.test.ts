import { describe, expect, it } from "vitest";
import { expectClose } from "../test/expect-close.js";
import { sampleSizeForMeans, sampleSizeForProportions } from "./sample-size.js";

// Expected values: statsmodels 0.13.5 samplesize_proportions_2indep_onetail and
// normal_sample_size_one_tail, printed by test/reference/sample_size.py.
const PROPORTIONS = [
  { baseRate: 0.1, mde: 0.02, alpha: 0.05, power: 0.8, n: 3840.8474824362734 },
  { baseRate: 0.5, mde: -0.05, alpha: 0.01, power: 0.9, n: 2965.964988555194 },
  { baseRate: 0.03, mde: 0.005, alpha: 0.05, power: 0.8, n: 19742.677993962865 },
];
const MEANS = [
  { sd: 1.2, mde: 0.1, alpha: 0.05, power: 0.8, n: 2260.477363492538 },
  { sd: 300.0, mde: -25.0, alpha: 0.05, power: 0.95, n: 3742.476483490409 },
];

describe("sampleSizeForProportions", () => {
  it.each(PROPORTIONS)("base $baseRate, mde $mde matches statsmodels", (c) => {
    const result = sampleSizeForProportions(c);
    expectClose(result.exact, c.n);
    expect(result.perVariant).toBe(Math.ceil(c.n));
  });
  it("explains an mde given in percent", () => {
    expect(() => sampleSizeForProportions({ baseRate: 0.1, mde: 2 })).toThrow(
      /absolute difference/,
    );
  });
});

describe("sampleSizeForMeans", () => {
  it.each(MEANS)("sd $sd, mde $mde matches statsmodels", (c) => {
    expectClose(sampleSizeForMeans(c).exact, c.n);
  });
});

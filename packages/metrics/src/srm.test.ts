import { describe, expect, it } from "vitest";
import { expectClose } from "../test/expect-close.js";
import { srmTest } from "./srm.js";

// Expected values: scipy 1.10.1 stats.chisquare(observed, total × weights), printed by
// test/reference/more_tests.py.
const SRM = [
  {
    observed: [5000, 5100],
    weights: [0.5, 0.5],
    chiSquare: 0.9900990099009901,
    pValue: 0.3197181768128675,
  },
  {
    observed: [5000, 5400],
    weights: [0.5, 0.5],
    chiSquare: 15.384615384615385,
    pValue: 8.769942375590228e-5,
  },
  {
    observed: [3300, 3350, 3000],
    weights: [0.3333333333333333, 0.3333333333333333, 0.3333333333333333],
    chiSquare: 22.27979274611399,
    pValue: 1.4521265843588805e-5,
  },
  { observed: [900, 2100], weights: [0.3, 0.7], chiSquare: 0.0, pValue: 1.0 },
];

describe("srmTest", () => {
  it.each(SRM)(
    "$observed against $weights matches scipy",
    ({ observed, weights, chiSquare, pValue }) => {
      const result = srmTest(observed, weights);
      expectClose(result.chiSquare, chiSquare);
      expectClose(result.pValue, pValue);
      expect(result.mismatch).toBe(pValue < 0.001);
    },
  );
  it("flags units in an arm that should get none", () => {
    expect(srmTest([10, 5], [1, 0])).toMatchObject({ mismatch: true, pValue: 0 });
  });
  it("has no p-value and no mismatch before any unit arrives", () => {
    expect(srmTest([0, 0], [0.5, 0.5])).toMatchObject({ pValue: null, mismatch: false });
  });
  it("says how to fix mismatched lengths", () => {
    expect(() => srmTest([1, 2, 3], [0.5, 0.5])).toThrow(/same order/);
  });
});

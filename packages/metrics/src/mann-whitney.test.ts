import { describe, expect, it } from "vitest";
import { expectClose } from "../test/expect-close.js";
import { mannWhitneyU } from "./mann-whitney.js";

// Expected values: scipy 1.10.1 stats.mannwhitneyu(a, b, use_continuity=True,
// alternative="two-sided", method=…), printed by test/reference/more_tests.py.
const MANNWHITNEY = [
  {
    a: [1.1, 2.3, 0.7, 5.0],
    b: [3.1, 4.2, 6.6, 7.0, 8.8],
    method: "auto",
    u: 2.0,
    pValue: 0.06349206349206349,
  },
  {
    a: [3, 5, 5, 7, 9, 1],
    b: [2, 5, 8, 8, 10, 11, 12],
    method: "auto",
    u: 10.0,
    pValue: 0.13093895003234252,
  },
  {
    a: [0.5, 0.9, 1.4, 2.2, 3.3, 4.1, 4.9],
    b: [
      0.4, 0.77, 1.1400000000000001, 1.5099999999999998, 1.88, 2.25, 2.6199999999999997,
      2.9899999999999998, 3.36, 3.73, 4.1000000000000005, 4.470000000000001, 4.84, 5.21, 5.58, 5.95,
      6.32, 6.69, 7.0600000000000005, 7.430000000000001, 7.800000000000001, 8.17, 8.540000000000001,
      8.91, 9.28, 9.65, 10.02, 10.39, 10.76, 11.13,
    ],
    method: "auto",
    u: 42.0,
    pValue: 0.012881390964882425,
  },
  {
    a: [
      0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0,
      1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 1.0,
      2.0, 3.0,
    ],
    b: [
      0.0, 7.0, 3.0, 10.0, 6.0, 2.0, 9.0, 5.0, 1.0, 8.0, 4.0, 0.0, 7.0, 3.0, 10.0, 6.0, 2.0, 9.0,
      5.0, 1.0, 8.0, 4.0, 0.0, 7.0, 3.0, 10.0, 6.0, 2.0, 9.0, 5.0, 1.0, 8.0, 4.0, 0.0, 7.0,
    ],
    method: "auto",
    u: 553.5,
    pValue: 0.1191985382521404,
  },
  {
    a: [1.0, 2.0, 3.0],
    b: [4.0, 5.0, 6.0],
    method: "asymptotic",
    u: 0.0,
    pValue: 0.08085559837005224,
  },
];

describe("mannWhitneyU", () => {
  it.each(MANNWHITNEY)("case %# matches scipy", ({ a, b, method, u, pValue }) => {
    const result = mannWhitneyU(a, b, { method: method as "auto" | "asymptotic" });
    expectClose(result.u, u);
    expectClose(result.pValue, pValue);
  });
  it("chooses exact for small samples without ties, asymptotic with ties", () => {
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6, 7]).method).toBe("exact");
    expect(mannWhitneyU([1, 2, 2], [2, 5, 6, 7]).method).toBe("asymptotic");
  });
  it("exact p for fully separated 3 vs 3 is 2/C(6,3) = 0.1", () => {
    // Only one of the 20 arrangements puts all of a below b: two-sided p = 2/20.
    expectClose(mannWhitneyU([1, 2, 3], [4, 5, 6]).pValue, 0.1, 1e-12);
  });
  it("refuses to enumerate an exact distribution that is too large, and says what to use", () => {
    const big = Array.from({ length: 3000 }, (_, i) => i);
    expect(() => mannWhitneyU(big, big, { method: "exact" })).toThrow(/asymptotic/);
  });
  it("refuses an empty sample", () => {
    expect(() => mannWhitneyU([], [1])).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
  });
});

import { describe, expect, it } from "vitest";
import { expectClose } from "../test/expect-close.js";
import { benjaminiHochberg, holm } from "./multiple-testing.js";

// Expected values: statsmodels 0.13.5 multipletests(method="holm" / "fdr_bh"), printed by
// test/reference/basic_tests.py.
const MULTIPLETESTING = {
  p: [0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.04, 0.001],
  holm: [0.06, 0.16, 0.15, 0.035, 0.4, 0.5, 0.16, 0.008],
  bh: [
    0.02666666666666667, 0.05333333333333334, 0.05333333333333334, 0.02, 0.2285714285714286, 0.5,
    0.05333333333333334, 0.008,
  ],
};

describe("multiple-testing corrections", () => {
  it("holm matches statsmodels", () => {
    const adjusted = holm(MULTIPLETESTING.p);
    for (const [i, p] of adjusted.entries()) expectClose(p, MULTIPLETESTING.holm[i]!);
  });
  it("benjaminiHochberg matches statsmodels", () => {
    const adjusted = benjaminiHochberg(MULTIPLETESTING.p);
    for (const [i, p] of adjusted.entries()) expectClose(p, MULTIPLETESTING.bh[i]!);
  });
  it("keeps an empty family empty and rejects p-values outside [0, 1]", () => {
    expect(holm([])).toEqual([]);
    expect(() => benjaminiHochberg([0.2, 1.5])).toThrow(/\[0, 1\]/);
  });
});

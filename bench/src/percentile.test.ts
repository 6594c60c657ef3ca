import { describe, expect, it } from "vitest";
import { percentile } from "./percentile.js";

describe("percentile", () => {
  // Worked example of the linear-interpolation percentile (C = 1, as numpy's default and
  // Excel's PERCENTILE.INC) in Wikipedia's "Percentile" article, on {15, 20, 35, 40, 50}:
  // 5th → 16, 30th → 23, 40th → 29, 95th → 48, 100th → 50.
  const list = [50, 15, 40, 20, 35];
  it.each([
    [0.05, 16],
    [0.3, 23],
    [0.4, 29],
    [0.95, 48],
    [1, 50],
    [0, 15],
  ])("gives the %s-quantile of Wikipedia's example as %s", (p, expected) => {
    expect(percentile(list, p)).toBeCloseTo(expected, 10);
  });

  it("is null without values, and does not reorder its input", () => {
    expect(percentile([], 0.99)).toBeNull();
    const values = [3, 1, 2];
    percentile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });
});

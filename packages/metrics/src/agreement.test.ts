import { describe, expect, it } from "vitest";
import { expectClose } from "../test/expect-close.js";
import { cohensKappa, spearman } from "./agreement.js";

// Expected values: scikit-learn 1.2.1 metrics.cohen_kappa_score (weights None, "linear",
// "quadratic") and scipy 1.10.1 stats.spearmanr, printed by test/reference/more_tests.py.
const KAPPA = {
  a: [5, 4, 4, 3, 2, 5, 1, 3, 4, 4, 2, 5, 3, 3, 1, 4],
  b: [5, 5, 4, 3, 3, 4, 1, 2, 4, 3, 2, 5, 3, 4, 2, 4],
  none: 0.43434343434343436,
  linear: 0.676300578034682,
  quadratic: 0.8518518518518519,
};
const KAPPALABELS = {
  a: ["good", "bad", "good", "good", "bad", "meh", "good", "meh"],
  b: ["good", "bad", "meh", "good", "bad", "bad", "good", "meh"],
  none: 0.6190476190476191,
};
const SPEARMAN = {
  x: [2.0, 3.5, 3.5, 1.0, 7.2, 6.1, 4.4, 9.0, 0.5, 5.5],
  y: [1.0, 2.0, 4.0, 1.5, 8.0, 5.0, 5.0, 7.0, 2.0, 3.0],
  rho: 0.8654474719182605,
  pValue: 0.0012151831360119748,
};

describe("cohensKappa", () => {
  it("matches scikit-learn unweighted, linear and quadratic", () => {
    expectClose(cohensKappa(KAPPA.a, KAPPA.b), KAPPA.none);
    expectClose(cohensKappa(KAPPA.a, KAPPA.b, { weights: "linear" }), KAPPA.linear);
    expectClose(cohensKappa(KAPPA.a, KAPPA.b, { weights: "quadratic" }), KAPPA.quadratic);
  });
  it("works on text labels", () => {
    expectClose(cohensKappa(KAPPALABELS.a, KAPPALABELS.b), KAPPALABELS.none);
  });
  it("is undefined (null) when both raters always give the same single label", () => {
    expect(cohensKappa(["a", "a"], ["a", "a"])).toBeNull();
  });
});

describe("spearman", () => {
  it("matches scipy spearmanr with ties", () => {
    const result = spearman(SPEARMAN.x, SPEARMAN.y);
    expectClose(result.rho, SPEARMAN.rho);
    expectClose(result.pValue, SPEARMAN.pValue);
  });
  it("refuses scores that are not numbers", () => {
    expect(() => spearman([1, Number.NaN, 3], [1, 2, 3])).toThrow(/finite/);
  });
  it("is null for a constant variable", () => {
    expect(spearman([1, 2, 3], [4, 4, 4]).rho).toBeNull();
  });
});

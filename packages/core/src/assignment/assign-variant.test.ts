import { describe, expect, it } from "vitest";
import { LoopkitError } from "../errors.js";
import { ExperimentConfig } from "../schemas/configs.js";
import { assignVariant } from "./assign-variant.js";
import { hash } from "./growthbook-hash.js";

/**
 * Chi-square critical values at α = 0.001 from the NIST/SEMATECH e-Handbook of Statistical
 * Methods, table 1.3.6.7.4 ("Critical Values of the Chi-Square Distribution"), upper tail.
 * The ids are fixed, so the test is deterministic; α = 0.001 leaves room for honest hashing noise.
 */
const CHI2_CRIT_0_001: Record<number, number> = { 1: 10.828, 2: 13.816, 3: 16.266 };

function chiSquare(observed: number[], expected: number[]): number {
  return observed.reduce((sum, o, i) => sum + (o - expected[i]!) ** 2 / expected[i]!, 0);
}

describe("assignVariant", () => {
  it("agrees with GrowthBook's hash and bucket ranges", () => {
    // seed "seed", id "a" hashes to 0.0505 (GrowthBook conformance case): first of two arms.
    expect(hash("seed", "a", 2)).toBe(0.0505);
    expect(
      assignVariant({ key: "k", seed: "seed", variants: ["control", "treatment"] }, "a"),
    ).toEqual({
      variant: "control",
      index: 0,
      inExperiment: true,
    });
    // 0.2696 with weights 0.2/0.8 falls in the second range [0.2, 1).
    expect(
      assignVariant({ key: "k", seed: "seed", variants: ["a", "b"], weights: [0.2, 0.8] }, "b"),
    ).toMatchObject({ variant: "b", index: 1 });
  });

  it("uses the key as the seed by default and is deterministic", () => {
    const exp = { key: "checkout-prompt", variants: ["v1", "v2", "v3"] };
    const first = assignVariant(exp, "user-1");
    expect(assignVariant({ ...exp, seed: "checkout-prompt" }, "user-1")).toEqual(first);
    for (let i = 0; i < 50; i++) expect(assignVariant(exp, "user-1")).toEqual(first);
  });

  it("takes weights from ExperimentConfig-style variant objects", () => {
    const exp = {
      key: "e",
      variants: [
        { key: "a", weight: 0.1 },
        { key: "b", weight: 0.9 },
      ],
    };
    let a = 0;
    for (let i = 0; i < 10_000; i++)
      if (assignVariant(exp, `u${i}`).inExperiment && assignVariant(exp, `u${i}`).index === 0) a++;
    expect(a).toBeGreaterThan(800);
    expect(a).toBeLessThan(1200);
  });

  it("takes a parsed ExperimentConfig as it is", () => {
    const config = ExperimentConfig.parse({
      key: "support-prompt",
      variants: [
        { key: "v1", promptVersion: "1", weight: 0.5 },
        { key: "v2", promptVersion: "2", weight: 0.5 },
      ],
    });
    const a = assignVariant(config, "user-1");
    expect(a).toEqual(assignVariant({ key: "support-prompt", variants: ["v1", "v2"] }, "user-1"));
  });

  it("leaves units outside coverage or the namespace out", () => {
    const none = assignVariant({ key: "e", variants: ["a", "b"], coverage: 0 }, "u1");
    expect(none).toEqual({ inExperiment: false, index: -1 });
    // GrowthBook case: user "1" is not in namespace1 [0, 0.4).
    expect(
      assignVariant({ key: "e", variants: ["a", "b"], namespace: ["namespace1", 0, 0.4] }, "1"),
    ).toEqual({ inExperiment: false, index: -1 });
  });

  it("rejects an experiment without variants with a stable code", () => {
    expect(() => assignVariant({ key: "e", variants: [] }, "u")).toThrow(LoopkitError);
    try {
      assignVariant({ key: "e", variants: [] }, "u");
    } catch (error) {
      expect((error as LoopkitError).code).toBe("INVALID_CONFIG");
    }
  });

  it.each([
    { weights: [0.5, 0.5], coverage: 1 },
    { weights: [0.2, 0.3, 0.5], coverage: 1 },
    { weights: [0.1, 0.2, 0.3, 0.4], coverage: 1 },
    { weights: [0.25, 0.75], coverage: 0.5 },
  ])(
    "assigns 100k ids in proportion to weights $weights (chi-square, α = 0.001)",
    ({ weights, coverage }) => {
      const variants = weights.map((_, i) => `v${i}`);
      const counts = new Array<number>(weights.length + 1).fill(0);
      const units = 100_000;
      for (let i = 0; i < units; i++) {
        const a = assignVariant({ key: "chi2-exp", variants, weights, coverage }, `user-${i}`);
        counts[a.inExperiment ? a.index : weights.length]!++;
      }
      const expected = [...weights.map((w) => units * coverage * w), units * (1 - coverage)];
      const cells = coverage < 1 ? counts : counts.slice(0, -1);
      const exp = coverage < 1 ? expected : expected.slice(0, -1);
      const stat = chiSquare(cells, exp);
      expect(stat).toBeLessThan(CHI2_CRIT_0_001[cells.length - 1]!);
    },
  );
});

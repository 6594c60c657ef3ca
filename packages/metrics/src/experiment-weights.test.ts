import { ExperimentConfig } from "@loopkit/core";
import { describe, expect, it } from "vitest";
import { experimentWeights } from "./experiment-weights.js";

describe("experimentWeights", () => {
  it("reads configured weights", () => {
    const config = ExperimentConfig.parse({
      key: "exp",
      variants: [
        { key: "control", weight: 0.7 },
        { key: "b", weight: 0.3 },
      ],
    });
    expect(experimentWeights(config)).toEqual({ control: 0.7, b: 0.3 });
  });
  it("splits equally when no weight is given", () => {
    const config = ExperimentConfig.parse({
      key: "exp",
      variants: [{ key: "a" }, { key: "b" }, { key: "c" }, { key: "d" }],
    });
    expect(experimentWeights(config)).toEqual({ a: 0.25, b: 0.25, c: 0.25, d: 0.25 });
  });
});

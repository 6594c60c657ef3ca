import { describe, expect, it } from "vitest";
import { measureAssignment } from "../../packages/core/bench/assignment-rate.js";

describe("measureAssignment", () => {
  it("assigns every unit of a 100%-coverage experiment and reports positive rates", () => {
    const rate = measureAssignment(5_000, 1);
    expect(rate.assignments).toBe(5_000);
    expect(rate.inExperiment).toBe(5_000);
    expect(rate.perSecond).toBeGreaterThan(0);
    expect(rate.hashPerSecond).toBeGreaterThan(0);
  });
});

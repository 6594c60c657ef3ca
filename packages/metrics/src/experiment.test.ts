import { describe, expect, it } from "vitest";
import { aggregate, costMoments } from "../test/aggregate.js";
import { expectClose } from "../test/expect-close.js";
import { analyzeExperiment } from "./experiment.js";

const control = aggregate("control", { requests: 1000, outcomes: 1000, successes: 120 });
const variant = aggregate("variant", { requests: 1000, outcomes: 1000, successes: 150 });

describe("analyzeExperiment", () => {
  it("compares the primary metric like statsmodels' z-test and reads feedback names", () => {
    // 120/1000 vs 150/1000: statsmodels proportions_ztest p = 0.04964038686536878 and
    // confint_proportions_2indep(wald) = [7.602882129778554e-05, 0.05992397117870221]
    // (test/reference/basic_tests.py, case 1).
    const result = analyzeExperiment({
      variants: [control, variant],
      control: "control",
      primaryMetric: "task_succeeded",
    });
    const primary = result.variants[0]!.primary;
    expect(primary.metric).toBe("taskSuccessRate");
    expectClose(primary.pValue, 0.04964038686536878);
    expectClose(primary.interval?.lower, 7.602882129778554e-5);
    expectClose(primary.interval?.upper, 0.05992397117870221);
    expect(primary.verdict).toBe("better");
    expect(primary.chanceToBeatControl).toBeGreaterThan(0.97);
    expect(result.decision).toBe("ship_variant");
    expect(result.reasons.join()).toMatch(/significantly better/);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it("waits for the planned sample size in a fixed-horizon test", () => {
    // Base rate 0.12 and mde 0.02 need far more than the 1000 units per arm observed so far.
    const result = analyzeExperiment({
      variants: [control, variant],
      control: "control",
      primaryMetric: "taskSuccessRate",
      mde: 0.02,
    });
    expect(result.sampleSize!.perVariant).toBeGreaterThan(1000);
    expect(result.decision).toBe("keep_running");
    expect(result.reasons.join()).toMatch(/planned for this fixed-horizon test/);
  });

  it("sizes the test like statsmodels for the control's base rate", () => {
    // Control 100/1000 = 0.10, mde 0.02, α 0.05, power 0.8: statsmodels
    // samplesize_proportions_2indep_onetail = 3840.8474824362734 (test/reference/sample_size.py).
    const result = analyzeExperiment({
      variants: [aggregate("a", { requests: 1000, outcomes: 1000, successes: 100 }), variant],
      control: "a",
      primaryMetric: "taskSuccessRate",
      mde: 0.02,
    });
    expectClose(result.sampleSize?.exact, 3840.8474824362734);
    expect(result.sampleSize?.perVariant).toBe(3841);
  });

  it("is more cautious sequentially: the same data is not yet a win", () => {
    const result = analyzeExperiment({
      variants: [control, variant],
      control: "control",
      primaryMetric: "taskSuccessRate",
      sequential: { tuning: 2000 },
    });
    const primary = result.variants[0]!.primary;
    expect(primary.sequential!.pValue).toBeGreaterThan(0.05);
    expect(primary.sequential!.interval.lower).toBeLessThan(0);
    expect(result.decision).toBe("keep_running");
  });

  it("ships a clear sequential winner and picks the best of several", () => {
    const big = (name: string, successes: number) =>
      aggregate(name, { requests: 10_000, outcomes: 10_000, successes });
    const result = analyzeExperiment({
      variants: [big("control", 1000), big("b", 1300), big("c", 1450)],
      control: "control",
      primaryMetric: "taskSuccessRate",
      sequential: {},
    });
    expect(result.variants.map((v) => v.decision)).toEqual(["ship_variant", "ship_variant"]);
    expect(result.winner).toBe("c");
    // α is split across the two comparisons.
    expect(result.variants[0]!.primary.sequential!.alpha).toBeCloseTo(0.025, 12);
  });

  it("stops a variant whose cost guardrail is surely broken", () => {
    const cheap = aggregate("control", {
      requests: 2000,
      outcomes: 2000,
      successes: 300,
      ...costMoments(2000, 1000, 100),
    });
    const pricey = aggregate("variant", {
      requests: 2000,
      outcomes: 2000,
      successes: 400,
      ...costMoments(2000, 1300, 100),
    });
    const result = analyzeExperiment({
      variants: [cheap, pricey],
      control: "control",
      primaryMetric: "taskSuccessRate",
      guardrails: [{ metric: "meanCostMicros", maxRelativeDegradation: 0.05 }],
      sequential: {},
    });
    const guardrail = result.variants[0]!.guardrails[0]!;
    expectClose(guardrail.degradation, 0.3, 1e-9);
    expect(guardrail.status).toBe("fail");
    expect(result.decision).toBe("stop");
    expect(result.reasons.join()).toMatch(/guardrail meanCostMicros is 30\.0% worse/);
  });

  it("fails a flag-rate guardrail against a control with no flags at all", () => {
    const clean = aggregate("control", { requests: 5000, outcomes: 5000, successes: 500 });
    const flagged = aggregate("variant", {
      requests: 5000,
      outcomes: 5000,
      successes: 520,
      flagged: 60,
    });
    const result = analyzeExperiment({
      variants: [clean, flagged],
      control: "control",
      primaryMetric: "taskSuccessRate",
      guardrails: [{ metric: "flagged", maxRelativeDegradation: 0.5 }],
    });
    expect(result.variants[0]!.guardrails[0]).toMatchObject({
      metric: "flagRate",
      degradation: null,
      status: "fail",
    });
    expect(result.decision).toBe("stop");
  });

  it("stops on a sample ratio mismatch whatever the metrics say", () => {
    // 5000 vs 5400 at 50/50: scipy chisquare p = 8.77e-05 (test/reference/more_tests.py).
    const result = analyzeExperiment({
      variants: [control, variant],
      control: "control",
      weights: { control: 0.5, variant: 0.5 },
      primaryMetric: "taskSuccessRate",
      exposures: [
        { variant: "control", units: 5000 },
        { variant: "variant", units: 5400 },
      ],
    });
    expect(result.srm?.mismatch).toBe(true);
    expectClose(result.srm?.pValue, 8.769942375590228e-5);
    expect(result.decision).toBe("stop");
    expect(result.reasons[0]).toMatch(/sample ratio mismatch/);
  });

  it("counts units sent to an arm that has no requests yet or no weight", () => {
    const result = analyzeExperiment({
      variants: [control, variant],
      control: "control",
      weights: { control: 0.5, variant: 0.5 },
      primaryMetric: "taskSuccessRate",
      exposures: [
        { variant: "control", units: 5000 },
        { variant: "variant", units: 5000 },
        { variant: "stale-variant", units: 40 },
      ],
    });
    expect(result.srm).toMatchObject({
      variants: ["control", "variant", "stale-variant"],
      mismatch: true,
    });
    expect(result.decision).toBe("stop");
  });

  it("reports missing data as missing, and says what to fix in bad input", () => {
    const empty = analyzeExperiment({
      variants: [aggregate("control"), aggregate("variant")],
      control: "control",
      primaryMetric: "taskSuccessRate",
    });
    expect(empty.variants[0]!.primary).toMatchObject({ verdict: "missing", value: null });
    expect(empty.decision).toBe("keep_running");
    expect(() =>
      analyzeExperiment({ variants: [control, variant], control: "x", primaryMetric: "rating" }),
    ).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(() =>
      analyzeExperiment({
        variants: [control, variant],
        control: "control",
        primaryMetric: "latencyP95Ms",
      }),
    ).toThrow(/cannot be tested|can be tested/);
  });
});

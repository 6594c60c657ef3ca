import type { VersionAggregate } from "@loopkit/core";
import type { Interval } from "./interval.js";
import { METRICS, type MetricName } from "./metric-definitions.js";
import { type ProportionSample, twoProportionZTest } from "./proportions.js";
import { relativeLift } from "./relative-lift.js";
import { meanSummaryOf } from "./version-metrics.js";
import { welchTTest } from "./welch.js";

/** A metric's difference variant − control, with what the tests and sequences need. */
export interface MetricDifference {
  kind: "proportion" | "mean";
  controlValue: number;
  variantValue: number;
  /** Observations per arm (the metric's denominators). */
  controlN: number;
  variantN: number;
  difference: number;
  /** Unpooled standard error of the difference. */
  standardError: number;
  /** Fixed-horizon two-sided p-value (two-proportion z or Welch t). */
  pValue: number;
  /** Fixed-horizon interval of the difference. */
  interval: Interval;
  /** Relative difference and its delta-method standard error; null when control is 0. */
  relative: { estimate: number; standardError: number } | null;
  /** Standard deviation of one observation in the control arm. */
  controlSd: number;
  /** The counts behind a rate (null for a mean), for the beta-binomial model. */
  counts: { control: ProportionSample; variant: ProportionSample } | null;
}

/**
 * The difference of one testable metric (a rate or a mean) between two aggregates, or null
 * when either side lacks the data for a test (no observations, or fewer than two for a mean).
 */
export function metricDifference(
  metric: MetricName,
  control: VersionAggregate,
  variant: VersionAggregate,
  confidence: number,
): MetricDifference | null {
  const source = METRICS[metric].source;
  if (source.kind === "proportion") {
    const a = source.sample(control);
    const b = source.sample(variant);
    if (a.n === 0 || b.n === 0) return null;
    const test = twoProportionZTest(a, b, confidence);
    const va = (test.rateA * (1 - test.rateA)) / a.n;
    const vb = (test.rateB * (1 - test.rateB)) / b.n;
    const lift = relativeLift(
      { mean: test.rateA, varianceOfMean: va },
      { mean: test.rateB, varianceOfMean: vb },
      confidence,
    );
    return {
      kind: "proportion",
      controlValue: test.rateA,
      variantValue: test.rateB,
      controlN: a.n,
      variantN: b.n,
      difference: test.difference,
      standardError: test.standardError,
      pValue: test.pValue,
      interval: test.interval,
      relative: lift ? { estimate: lift.lift, standardError: lift.standardError } : null,
      controlSd: Math.sqrt(test.rateA * (1 - test.rateA)),
      counts: { control: a, variant: b },
    };
  }
  if (source.kind === "mean") {
    const a = meanSummaryOf(source.sample(control));
    const b = meanSummaryOf(source.sample(variant));
    if (!a?.sdKnown || !b?.sdKnown) return null;
    const test = welchTTest(a, b, confidence);
    const lift = relativeLift(
      { mean: a.mean, varianceOfMean: (a.sd * a.sd) / a.n },
      { mean: b.mean, varianceOfMean: (b.sd * b.sd) / b.n },
      confidence,
    );
    return {
      kind: "mean",
      controlValue: a.mean,
      variantValue: b.mean,
      controlN: a.n,
      variantN: b.n,
      difference: test.difference,
      standardError: test.standardError,
      pValue: test.pValue,
      interval: test.interval,
      relative: lift ? { estimate: lift.lift, standardError: lift.standardError } : null,
      controlSd: a.sd,
      counts: null,
    };
  }
  return null;
}

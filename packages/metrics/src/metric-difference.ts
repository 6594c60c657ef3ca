import type { VersionAggregate } from "@loopkit/core";
import { type DeltaEstimate, ratioEstimate } from "./delta-method.js";
import { normalQuantile, normalSf } from "./distributions/normal.js";
import type { Interval } from "./interval.js";
import { METRICS, type MetricName } from "./metric-definitions.js";
import { type ProportionSample, twoProportionZTest } from "./proportions.js";
import { type MeanEstimate, relativeLift } from "./relative-lift.js";
import { isClustered, meanSummaryOf } from "./version-metrics.js";
import { welchTTest } from "./welch.js";

/**
 * A metric's difference variant − control, with what the tests and sequences need. `kind` says
 * how it was computed: a two-proportion z-test or Welch t-test over requests, or a z-test on
 * delta-method variances (over users, or for cost per success).
 */
export interface MetricDifference {
  kind: "proportion" | "mean" | "delta";
  /** What the variances were taken over: users (each user's requests together) or requests. */
  unit: "user" | "request";
  controlValue: number;
  variantValue: number;
  /** Observations per arm: the metric's denominators, or the units for `delta`. */
  controlN: number;
  variantN: number;
  difference: number;
  /** Unpooled standard error of the difference. */
  standardError: number;
  /** Fixed-horizon two-sided p-value. */
  pValue: number;
  /** Fixed-horizon interval of the difference. */
  interval: Interval;
  /** Relative difference and its delta-method standard error; null when control is 0. */
  relative: { estimate: number; standardError: number } | null;
  /** Standard deviation of one observation (for `delta`, of one unit's linearised value). */
  controlSd: number;
  /** The counts behind a rate over requests (null otherwise), for the beta-binomial model. */
  counts: { control: ProportionSample; variant: ProportionSample } | null;
}

/** One arm as {@link MetricDifference} reports it: its value, the variance of that value, and n. */
interface Arm extends MeanEstimate {
  n: number;
}

/**
 * A {@link MetricDifference} from a fixed-horizon test of two arms, with the relative difference
 * variant/control − 1 and its delta-method standard error ({@link relativeLift}).
 */
function differenceOf(
  fields: Pick<MetricDifference, "kind" | "unit" | "controlSd" | "counts"> & {
    test: Pick<MetricDifference, "difference" | "standardError" | "pValue" | "interval">;
    control: Arm;
    variant: Arm;
  },
  confidence: number,
): MetricDifference {
  const { test, control, variant } = fields;
  const lift = relativeLift(control, variant, confidence);
  return {
    kind: fields.kind,
    unit: fields.unit,
    controlValue: control.mean,
    variantValue: variant.mean,
    controlN: control.n,
    variantN: variant.n,
    difference: test.difference,
    standardError: test.standardError,
    pValue: test.pValue,
    interval: test.interval,
    relative: lift ? { estimate: lift.lift, standardError: lift.standardError } : null,
    controlSd: fields.controlSd,
    counts: fields.counts,
  };
}

/**
 * Two independent delta-method estimates compared by a normal z-test:
 * z = (b − a)/√(Var a + Var b), interval (b − a) ± z_{1−α/2}·SE, and the relative difference
 * b/a − 1 with its delta-method SE. Null when either side has no variance (fewer than 2 units).
 */
function deltaDifference(
  a: DeltaEstimate | null,
  b: DeltaEstimate | null,
  unit: "user" | "request",
  confidence: number,
): MetricDifference | null {
  if (!a || !b || a.variance === null || b.variance === null) return null;
  const difference = b.value - a.value;
  const standardError = Math.sqrt(a.variance + b.variance);
  const half = normalQuantile(1 - (1 - confidence) / 2) * standardError;
  const pValue =
    standardError === 0
      ? difference === 0
        ? 1
        : 0
      : 2 * normalSf(Math.abs(difference) / standardError);
  return differenceOf(
    {
      kind: "delta",
      unit,
      test: {
        difference,
        standardError,
        pValue,
        interval: { lower: difference - half, upper: difference + half },
      },
      control: { mean: a.value, varianceOfMean: a.variance, n: a.units },
      variant: { mean: b.value, varianceOfMean: b.variance, n: b.units },
      controlSd: Math.sqrt(a.variance * a.units),
      counts: null,
    },
    confidence,
  );
}

/**
 * The difference of one testable metric between two aggregates, or null when either side lacks
 * the data for a test (no observations, fewer than two for a mean, fewer than two units for a
 * delta-method variance). Over requests: two-proportion z-test for rates, Welch t-test for
 * means. When either side's requests carry user ids, rates and means are ratios of per-user
 * totals with delta-method variances instead (Deng et al. 2018), since a user's requests are
 * correlated. Cost per success is always a delta-method ratio.
 */
export function metricDifference(
  metric: MetricName,
  control: VersionAggregate,
  variant: VersionAggregate,
  confidence: number,
): MetricDifference | null {
  const source = METRICS[metric].source;
  const unit = isClustered(control) || isClustered(variant) ? "user" : "request";
  if (source.kind === "delta") {
    return deltaDifference(source.estimate(control), source.estimate(variant), unit, confidence);
  }
  if (source.kind === "percentile") return null;
  if (unit === "user") {
    const [numerator, denominator] = source.ratio;
    return deltaDifference(
      ratioEstimate(control, numerator, denominator),
      ratioEstimate(variant, numerator, denominator),
      unit,
      confidence,
    );
  }
  if (source.kind === "proportion") {
    const a = source.sample(control);
    const b = source.sample(variant);
    if (a.n === 0 || b.n === 0) return null;
    const test = twoProportionZTest(a, b, confidence);
    return differenceOf(
      {
        kind: "proportion",
        unit,
        test,
        control: {
          mean: test.rateA,
          varianceOfMean: (test.rateA * (1 - test.rateA)) / a.n,
          n: a.n,
        },
        variant: {
          mean: test.rateB,
          varianceOfMean: (test.rateB * (1 - test.rateB)) / b.n,
          n: b.n,
        },
        controlSd: Math.sqrt(test.rateA * (1 - test.rateA)),
        counts: { control: a, variant: b },
      },
      confidence,
    );
  }
  const a = meanSummaryOf(source.sample(control));
  const b = meanSummaryOf(source.sample(variant));
  if (!a?.sdKnown || !b?.sdKnown) return null;
  return differenceOf(
    {
      kind: "mean",
      unit,
      test: welchTTest(a, b, confidence),
      control: { mean: a.mean, varianceOfMean: (a.sd * a.sd) / a.n, n: a.n },
      variant: { mean: b.mean, varianceOfMean: (b.sd * b.sd) / b.n, n: b.n },
      controlSd: a.sd,
      counts: null,
    },
    confidence,
  );
}

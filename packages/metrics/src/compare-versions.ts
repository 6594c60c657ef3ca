import { LoopkitError, type VersionAggregate } from "@loopkit/core";
import { normalQuantile } from "./distributions/normal.js";
import { requireConfidence, requireInput } from "./errors.js";
import type { Interval } from "./interval.js";
import {
  METRIC_NAMES,
  METRICS,
  type MetricDirection,
  type MetricName,
} from "./metric-definitions.js";
import { metricDifference } from "./metric-difference.js";
import { holm } from "./multiple-testing.js";
import { aggregateRecords, type RequestRecord } from "./records.js";
import { confidenceSequence, DEFAULT_SEQUENTIAL_TUNING } from "./sequential.js";
import { estimateMetric, isClustered, type MetricEstimate } from "./version-metrics.js";

/** Options of {@link compareVersions}. */
export interface CompareVersionsOptions {
  /** The version the others are compared with; default: the one with most requests. */
  baseline?: string;
  /** Metrics to report and test; default: all of {@link METRIC_NAMES}. */
  metrics?: readonly MetricName[];
  /** Confidence level of intervals, and 1 − α of the verdicts; default 0.95. */
  confidence?: number;
  /**
   * Read differences through always-valid confidence sequences (see `confidenceSequence`), for a
   * dashboard refreshed at will; `tuning` is the total sample size where they are tightest
   * (default 5000). Without it, p-values are fixed-horizon and valid for one look only.
   */
  sequential?: { tuning?: number };
}

/** The plain reading of a comparison: `missing` when either side has no data for the metric. */
export type Verdict = "better" | "worse" | "inconclusive" | "missing";

/** One metric of one version against the baseline. Differences are version − baseline. */
export interface MetricComparison {
  version: string;
  baseline: string;
  metric: MetricName;
  direction: MetricDirection;
  value: number | null;
  baselineValue: number | null;
  difference: number | null;
  differenceInterval: Interval | null;
  /** version / baseline − 1; null when the baseline value is 0 or missing. */
  relativeDifference: number | null;
  /** Delta-method interval of the relative difference. */
  relativeInterval: Interval | null;
  /**
   * The test behind `pValue`: two-proportion z or Welch t over requests, or a z-test on
   * delta-method variances (`delta_method_z`: over users, and for cost per success); `_sequential`
   * when read through a confidence sequence; null for metrics that have none (percentiles).
   */
  test:
    | "two_proportion_z"
    | "welch_t"
    | "delta_method_z"
    | "two_proportion_z_sequential"
    | "welch_t_sequential"
    | "delta_method_z_sequential"
    | null;
  /** What the variances were taken over: users (each user's requests together) or requests. */
  unit: "user" | "request";
  pValue: number | null;
  /** Holm-adjusted across all metrics × versions compared in this call. */
  adjustedPValue: number | null;
  verdict: Verdict;
}

/** One version's metrics. */
export interface VersionSummary {
  version: string;
  requests: number;
  /** `user` when its requests carry user ids: intervals then treat each user as one unit. */
  unit: "user" | "request";
  /** Units behind the variances: users plus requests without a user id (or requests). */
  units: number;
  isBaseline: boolean;
  metrics: MetricEstimate[];
}

/** The result of {@link compareVersions}; plain JSON. */
export interface VersionComparison {
  /** null only when there is no version at all. */
  baseline: string | null;
  confidence: number;
  /** Whether differences were read through always-valid confidence sequences. */
  sequential: boolean;
  /** `user` when any version's requests carry user ids (see `VersionSummary.unit`). */
  unit: "user" | "request";
  metrics: MetricName[];
  correction: "holm";
  versions: VersionSummary[];
  comparisons: MetricComparison[];
}

function isRecordList(source: readonly (VersionAggregate | RequestRecord)[]): boolean {
  return source.length > 0 && "feedback" in source[0]!;
}

function pickBaseline(aggregates: readonly VersionAggregate[], requested?: string): string {
  if (requested !== undefined) {
    if (!aggregates.some((a) => a.version === requested)) {
      throw new LoopkitError(
        "NOT_FOUND",
        `compareVersions: baseline "${requested}" has no data. ` +
          `Pick one of: ${aggregates.map((a) => `"${a.version}"`).join(", ")}, or omit it to use the version with most requests.`,
      );
    }
    return requested;
  }
  const [first, ...rest] = aggregates;
  let best = first!;
  for (const a of rest) {
    if (a.requests > best.requests || (a.requests === best.requests && a.version < best.version)) {
      best = a;
    }
  }
  return best.version;
}

type Untested = Omit<MetricComparison, "adjustedPValue" | "verdict">;

/** Compares one metric of `version` with the baseline: difference, lift and the test. */
function compareMetric(
  version: VersionAggregate,
  baseline: VersionAggregate,
  metric: MetricName,
  confidence: number,
  tuning: number | null,
): Untested {
  const ours = estimateMetric(version, metric, confidence);
  const theirs = estimateMetric(baseline, metric, confidence);
  const base: Untested = {
    version: version.version,
    baseline: baseline.version,
    metric,
    direction: METRICS[metric].direction,
    value: ours.value,
    baselineValue: theirs.value,
    difference: null,
    differenceInterval: null,
    relativeDifference: null,
    relativeInterval: null,
    test: null,
    pValue: null,
    unit: isClustered(version) || isClustered(baseline) ? "user" : "request",
  };
  if (ours.value === null || theirs.value === null) return base;
  base.difference = ours.value - theirs.value;
  base.relativeDifference = theirs.value !== 0 ? ours.value / theirs.value - 1 : null;
  const diff = metricDifference(metric, baseline, version, confidence);
  if (!diff) return base;
  const test = TEST_NAMES[diff.kind];
  if (tuning !== null) {
    // Always-valid: the confidence sequence replaces the fixed-horizon interval and p-value.
    const n = diff.controlN + diff.variantN;
    const alpha = 1 - confidence;
    const absolute = confidenceSequence({
      estimate: diff.difference,
      standardError: diff.standardError,
      n,
      alpha,
      tuning,
    });
    const relative = diff.relative
      ? confidenceSequence({
          estimate: diff.relative.estimate,
          standardError: diff.relative.standardError,
          n,
          alpha,
          tuning,
        }).interval
      : null;
    return {
      ...base,
      differenceInterval: absolute.interval,
      relativeInterval: relative,
      test: `${test}_sequential`,
      pValue: absolute.pValue,
    };
  }
  const lift = diff.relative ? relativeLiftInterval(diff.relative, confidence) : null;
  return {
    ...base,
    differenceInterval: diff.interval,
    relativeInterval: lift,
    test,
    pValue: diff.pValue,
  };
}

const TEST_NAMES = {
  proportion: "two_proportion_z",
  mean: "welch_t",
  delta: "delta_method_z",
} as const;

/** Normal interval of a relative difference from its delta-method standard error. */
function relativeLiftInterval(
  relative: { estimate: number; standardError: number },
  confidence: number,
): Interval {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  return {
    lower: relative.estimate - z * relative.standardError,
    upper: relative.estimate + z * relative.standardError,
  };
}

function verdictOf(c: Untested, adjusted: number | null, alpha: number): Verdict {
  if (c.value === null || c.baselineValue === null) return "missing";
  if (adjusted === null || adjusted >= alpha || c.difference === 0 || c.difference === null) {
    return "inconclusive";
  }
  const up = c.difference > 0;
  return up === (c.direction === "higher_is_better") ? "better" : "worse";
}

/**
 * Compares every version with a baseline on quality, safety and cost metrics.
 *
 * Stages: (1) aggregate the requests if raw records were given ({@link aggregateRecords});
 * (2) pick the baseline (the given one, else the version with most requests); (3) estimate each
 * metric per version with its interval; (4) compare each version with the baseline: two-proportion
 * z-test for rates and Welch t-test for means over requests, or — when requests carry user ids —
 * a z-test on delta-method variances of per-user totals (Deng et al. 2018), which cost per
 * success always uses; delta-method interval for the relative difference;
 * (5) Holm-adjust the p-values across all metrics × versions tested; (6) read a verdict that
 * knows each metric's direction: `better`/`worse` when the adjusted p-value is below
 * 1 − confidence, `inconclusive` otherwise, `missing` without data. With `sequential`, step (4)
 * uses always-valid confidence sequences, so a dashboard may refresh the comparison at will.
 *
 * Missing data stays `null`/`"missing"`, never 0. The result is plain JSON.
 */
export function compareVersions(
  source: readonly VersionAggregate[] | readonly RequestRecord[],
  options: CompareVersionsOptions = {},
): VersionComparison {
  const confidence = options.confidence ?? 0.95;
  requireConfidence(confidence, "compareVersions(options.confidence)");
  const metrics = [...(options.metrics ?? METRIC_NAMES)];
  const tuning = options.sequential
    ? (options.sequential.tuning ?? DEFAULT_SEQUENTIAL_TUNING)
    : null;
  const sequential = tuning !== null;
  for (const metric of metrics) {
    requireInput(
      metric in METRICS,
      "compareVersions(options.metrics)",
      `unknown metric "${metric}"`,
      `Use some of: ${METRIC_NAMES.join(", ")}.`,
    );
  }
  const aggregates = isRecordList(source)
    ? aggregateRecords(source as readonly RequestRecord[], { confidence })
    : (source as readonly VersionAggregate[]);
  const seen = new Set<string>();
  for (const a of aggregates) {
    requireInput(
      !seen.has(a.version),
      "compareVersions(source)",
      `version "${a.version}" appears twice`,
      "Pass one aggregate per version.",
    );
    seen.add(a.version);
  }
  const unit = aggregates.some(isClustered) ? "user" : "request";
  if (aggregates.length === 0) {
    return {
      baseline: null,
      confidence,
      sequential,
      unit,
      metrics,
      correction: "holm",
      versions: [],
      comparisons: [],
    };
  }
  const baselineName = pickBaseline(aggregates, options.baseline);
  const baseline = aggregates.find((a) => a.version === baselineName)!;

  const versions: VersionSummary[] = aggregates.map((a) => ({
    version: a.version,
    requests: a.requests,
    unit: isClustered(a) ? "user" : "request",
    units: a.unitMoments.units,
    isBaseline: a.version === baselineName,
    metrics: metrics.map((m) => estimateMetric(a, m, confidence)),
  }));

  const untested = aggregates
    .filter((a) => a.version !== baselineName)
    .flatMap((a) => metrics.map((m) => compareMetric(a, baseline, m, confidence, tuning)));
  const tested = untested.flatMap((c, i) => (c.pValue === null ? [] : [i]));
  const adjusted = holm(tested.map((i) => untested[i]!.pValue!));
  const adjustedByIndex = new Map(tested.map((i, k) => [i, adjusted[k]!]));
  const alpha = 1 - confidence;
  const comparisons = untested.map((c, i): MetricComparison => {
    const adjustedPValue = adjustedByIndex.get(i) ?? null;
    return { ...c, adjustedPValue, verdict: verdictOf(c, adjustedPValue, alpha) };
  });
  return {
    baseline: baselineName,
    confidence,
    sequential,
    unit,
    metrics,
    correction: "holm",
    versions,
    comparisons,
  };
}

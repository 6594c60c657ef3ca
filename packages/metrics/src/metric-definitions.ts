import type { UnitTotal, VersionAggregate } from "@loopkit/core";
import { costPerSuccessEstimate, type DeltaEstimate } from "./delta-method.js";
import type { Interval } from "./interval.js";
import type { ProportionSample } from "./proportions.js";

/** Every per-version metric, in display order. */
export const METRIC_NAMES = [
  "taskSuccessRate",
  "meanRating",
  "thumbsUpRate",
  "copiedRate",
  "regeneratedRate",
  "editedRate",
  "abandonedRate",
  "flagRate",
  "errorRate",
  "meanCostMicros",
  "costPerSuccessMicros",
  "latencyP50Ms",
  "latencyP95Ms",
] as const;

/** A per-version metric name. */
export type MetricName = (typeof METRIC_NAMES)[number];

/** Whether more of a metric is good (success) or bad (cost, flags, errors). */
export type MetricDirection = "higher_is_better" | "lower_is_better";

/** A sample summarised for a mean: n, sum and sum of squares. */
export interface MomentSummary {
  n: number;
  sum: number;
  sumSquares: number;
}

/**
 * How a metric is read from a {@link VersionAggregate}. Rates and means also name their
 * numerator and denominator as unit totals (`ratio`), for delta-method variances over users.
 */
export type MetricSource =
  | {
      kind: "proportion";
      sample: (a: VersionAggregate) => ProportionSample;
      ratio: [UnitTotal, UnitTotal];
    }
  | { kind: "mean"; sample: (a: VersionAggregate) => MomentSummary; ratio: [UnitTotal, UnitTotal] }
  | { kind: "delta"; estimate: (a: VersionAggregate) => DeltaEstimate | null }
  | {
      kind: "percentile";
      value: (a: VersionAggregate) => number | null;
      /** The interval at `confidence`, when the aggregate carries one at that level. */
      interval: (a: VersionAggregate, confidence: number) => Interval | null;
    };

/** A metric's meaning: its direction and where its data comes from. */
export interface MetricDefinition {
  direction: MetricDirection;
  description: string;
  source: MetricSource;
}

/** A count that is both a unit total and a field of {@link VersionAggregate}. */
type CountedTotal = UnitTotal & keyof VersionAggregate;

/** The share `successes`/`n` of two counts, e.g. thumbs up of thumbs, errors of requests. */
function proportionOf(successes: CountedTotal, n: CountedTotal): MetricSource {
  return {
    kind: "proportion",
    sample: (a) => ({ successes: a[successes], n: a[n] }),
    ratio: [successes, n],
  };
}

/**
 * A latency percentile and its distribution-free interval (VersionAggregate.latencyIntervals),
 * given only when the aggregate was computed at the same confidence and both bounds exist.
 */
function latencyPercentile(which: "p50" | "p95"): MetricSource {
  return {
    kind: "percentile",
    value: (a) => (which === "p50" ? a.latencyP50 : a.latencyP95),
    interval: (a, confidence) => {
      const intervals = a.latencyIntervals;
      if (!intervals || Math.abs(intervals.confidence - confidence) > 1e-12) return null;
      const { lower, upper } = intervals[which];
      return lower === null || upper === null ? null : { lower, upper };
    },
  };
}

/** Moments of the ratings, read from the `"value" → count` histogram. */
export function ratingMoments(a: VersionAggregate): MomentSummary {
  let n = 0;
  let sum = 0;
  let sumSquares = 0;
  for (const [value, count] of Object.entries(a.ratingCounts)) {
    const x = Number(value);
    if (!Number.isFinite(x) || count <= 0) continue;
    n += count;
    sum += count * x;
    sumSquares += count * x * x;
  }
  return { n, sum, sumSquares };
}

/** The definition of every metric. */
export const METRICS: Record<MetricName, MetricDefinition> = {
  taskSuccessRate: {
    direction: "higher_is_better",
    description: "Share of requests with a task_succeeded outcome that succeeded",
    source: proportionOf("successes", "outcomes"),
  },
  meanRating: {
    direction: "higher_is_better",
    description: "Mean rating on a 1–5 scale",
    source: { kind: "mean", sample: ratingMoments, ratio: ["ratingSum", "rated"] },
  },
  thumbsUpRate: {
    direction: "higher_is_better",
    description: "Share of thumbs feedback that is thumbs up",
    source: proportionOf("thumbsUp", "thumbs"),
  },
  copiedRate: {
    direction: "higher_is_better",
    description: "Share of requests whose answer was copied (implicit positive)",
    source: proportionOf("copied", "requests"),
  },
  regeneratedRate: {
    direction: "lower_is_better",
    description: "Share of requests regenerated (implicit negative)",
    source: proportionOf("regenerated", "requests"),
  },
  editedRate: {
    direction: "lower_is_better",
    description: "Share of requests whose answer was edited (implicit negative)",
    source: proportionOf("edited", "requests"),
  },
  abandonedRate: {
    direction: "lower_is_better",
    description: "Share of requests abandoned (implicit negative)",
    source: proportionOf("abandoned", "requests"),
  },
  flagRate: {
    direction: "lower_is_better",
    description: "Share of requests with a safety flag",
    source: proportionOf("flagged", "requests"),
  },
  errorRate: {
    direction: "lower_is_better",
    description: "Share of requests that ended in an error",
    source: proportionOf("errors", "requests"),
  },
  meanCostMicros: {
    direction: "lower_is_better",
    description: "Mean cost per request with a known cost, in micro-dollars",
    source: {
      kind: "mean",
      sample: (a) => ({ n: a.costed, sum: a.costMicrosSum, sumSquares: a.costMicrosSumSquares }),
      ratio: ["costSum", "costed"],
    },
  },
  costPerSuccessMicros: {
    direction: "lower_is_better",
    description:
      "Mean cost ÷ task success rate: the spend per successful task, in micro-dollars (equal to total cost ÷ successes when every request has a cost and an outcome)",
    source: { kind: "delta", estimate: costPerSuccessEstimate },
  },
  latencyP50Ms: {
    direction: "lower_is_better",
    description: "Median latency in milliseconds",
    source: latencyPercentile("p50"),
  },
  latencyP95Ms: {
    direction: "lower_is_better",
    description: "95th-percentile latency in milliseconds",
    source: latencyPercentile("p95"),
  },
};

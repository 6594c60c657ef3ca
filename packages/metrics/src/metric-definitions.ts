import type { VersionAggregate } from "@loopkit/core";
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

/** How a metric is read from a {@link VersionAggregate}. */
export type MetricSource =
  | { kind: "proportion"; sample: (a: VersionAggregate) => ProportionSample }
  | { kind: "mean"; sample: (a: VersionAggregate) => MomentSummary }
  | { kind: "point"; value: (a: VersionAggregate) => number | null };

/** A metric's meaning: its direction and where its data comes from. */
export interface MetricDefinition {
  direction: MetricDirection;
  description: string;
  source: MetricSource;
}

function rateOfRequests(count: (a: VersionAggregate) => number): MetricSource {
  return { kind: "proportion", sample: (a) => ({ successes: count(a), n: a.requests }) };
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

/**
 * Cost per successful task: mean cost per request ÷ task success rate, i.e. the expected spend
 * for one success (equal to total cost ÷ successes when every request has a cost and an outcome).
 */
function costPerSuccess(a: VersionAggregate): number | null {
  if (a.costed === 0 || a.outcomes === 0 || a.successes === 0) return null;
  return a.costMicrosSum / a.costed / (a.successes / a.outcomes);
}

/** The definition of every metric. */
export const METRICS: Record<MetricName, MetricDefinition> = {
  taskSuccessRate: {
    direction: "higher_is_better",
    description: "Share of requests with a task_succeeded outcome that succeeded",
    source: { kind: "proportion", sample: (a) => ({ successes: a.successes, n: a.outcomes }) },
  },
  meanRating: {
    direction: "higher_is_better",
    description: "Mean rating on a 1–5 scale",
    source: { kind: "mean", sample: ratingMoments },
  },
  thumbsUpRate: {
    direction: "higher_is_better",
    description: "Share of thumbs feedback that is thumbs up",
    source: { kind: "proportion", sample: (a) => ({ successes: a.thumbsUp, n: a.thumbs }) },
  },
  copiedRate: {
    direction: "higher_is_better",
    description: "Share of requests whose answer was copied (implicit positive)",
    source: rateOfRequests((a) => a.copied),
  },
  regeneratedRate: {
    direction: "lower_is_better",
    description: "Share of requests regenerated (implicit negative)",
    source: rateOfRequests((a) => a.regenerated),
  },
  editedRate: {
    direction: "lower_is_better",
    description: "Share of requests whose answer was edited (implicit negative)",
    source: rateOfRequests((a) => a.edited),
  },
  abandonedRate: {
    direction: "lower_is_better",
    description: "Share of requests abandoned (implicit negative)",
    source: rateOfRequests((a) => a.abandoned),
  },
  flagRate: {
    direction: "lower_is_better",
    description: "Share of requests with a safety flag",
    source: rateOfRequests((a) => a.flagged),
  },
  errorRate: {
    direction: "lower_is_better",
    description: "Share of requests that ended in an error",
    source: rateOfRequests((a) => a.errors),
  },
  meanCostMicros: {
    direction: "lower_is_better",
    description: "Mean cost per request with a known cost, in micro-dollars",
    source: {
      kind: "mean",
      sample: (a) => ({ n: a.costed, sum: a.costMicrosSum, sumSquares: a.costMicrosSumSquares }),
    },
  },
  costPerSuccessMicros: {
    direction: "lower_is_better",
    description: "Mean cost ÷ task success rate: the spend per successful task, in micro-dollars",
    source: { kind: "point", value: costPerSuccess },
  },
  latencyP50Ms: {
    direction: "lower_is_better",
    description: "Median latency in milliseconds",
    source: { kind: "point", value: (a) => a.latencyP50 },
  },
  latencyP95Ms: {
    direction: "lower_is_better",
    description: "95th-percentile latency in milliseconds",
    source: { kind: "point", value: (a) => a.latencyP95 },
  },
};

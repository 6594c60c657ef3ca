import type { VersionAggregate } from "@loopkit/core";
import { type DeltaEstimate, ratioEstimate } from "./delta-method.js";
import { normalQuantile } from "./distributions/normal.js";
import { studentTQuantile } from "./distributions/student-t.js";
import type { Interval } from "./interval.js";
import { METRICS, type MetricName, type MomentSummary } from "./metric-definitions.js";
import { wilsonInterval } from "./proportions.js";
import type { MeanSummary } from "./welch.js";

/** How an estimate's interval was computed. */
export type IntervalMethod = "wilson" | "student_t" | "delta_method" | "order_statistics";

/** A metric's value for one version. `null` value means no data (status `missing`), never 0. */
export interface MetricEstimate {
  metric: MetricName;
  value: number | null;
  /**
   * Wilson interval for rates and t interval for means over requests; delta-method normal
   * interval over users (and for cost per success); order statistics for latency percentiles;
   * `null` where none can be given.
   */
  interval: Interval | null;
  /** The method behind `interval`; null without one. */
  intervalMethod: IntervalMethod | null;
  /** Observations behind the value (the rate's or mean's denominator); null for percentiles. */
  n: number | null;
  status: "ok" | "missing";
}

/** Mean and sample sd (n − 1) from moments; sd is null below two observations. */
export function meanSummaryOf(m: MomentSummary): (MeanSummary & { sdKnown: boolean }) | null {
  if (m.n === 0) return null;
  const mean = m.sum / m.n;
  if (m.n < 2) return { mean, sd: 0, n: m.n, sdKnown: false };
  const variance = Math.max(0, (m.sumSquares - m.sum * mean) / (m.n - 1));
  return { mean, sd: Math.sqrt(variance), n: m.n, sdKnown: true };
}

/** Whether the aggregate's variances are taken over users rather than requests. */
export function isClustered(aggregate: VersionAggregate): boolean {
  return aggregate.unitMoments.unit === "user";
}

/** The normal interval estimate ± z_{1−α/2}·SE of a delta-method estimate, when it has one. */
function deltaInterval(estimate: DeltaEstimate, confidence: number): Interval | null {
  if (estimate.variance === null) return null;
  const half = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(estimate.variance);
  return { lower: estimate.value - half, upper: estimate.value + half };
}

/**
 * Estimates one metric for one version with its interval. Over requests: Wilson score interval
 * for rates, Student t interval x̄ ± t_{n−1, 1−α/2}·s/√n for means. Over users (when the
 * aggregate's requests carry user ids): the delta-method normal interval of the ratio of per-user
 * totals (Deng et al. 2018), clamped to [0, 1] for rates. Cost per success: delta-method normal
 * interval over its units. Latency percentiles: the aggregate's order-statistic interval when it
 * was computed at this confidence.
 */
export function estimateMetric(
  aggregate: VersionAggregate,
  metric: MetricName,
  confidence: number,
): MetricEstimate {
  const source = METRICS[metric].source;
  const missing: MetricEstimate = {
    metric,
    value: null,
    interval: null,
    intervalMethod: null,
    n: null,
    status: "missing",
  };
  const ok = (value: number, interval: Interval | null, method: IntervalMethod, n: number | null) =>
    ({
      metric,
      value,
      interval,
      intervalMethod: interval ? method : null,
      n,
      status: "ok",
    }) satisfies MetricEstimate;
  switch (source.kind) {
    case "proportion": {
      const { successes, n } = source.sample(aggregate);
      if (n === 0) return { ...missing, n: 0 };
      if (isClustered(aggregate)) {
        const estimate = ratioEstimate(aggregate, ...source.ratio)!;
        const interval = deltaInterval(estimate, confidence);
        const clamped = interval && {
          lower: Math.max(0, interval.lower),
          upper: Math.min(1, interval.upper),
        };
        return ok(successes / n, clamped, "delta_method", n);
      }
      return ok(successes / n, wilsonInterval(successes, n, confidence), "wilson", n);
    }
    case "mean": {
      const summary = meanSummaryOf(source.sample(aggregate));
      if (!summary) return { ...missing, n: 0 };
      if (isClustered(aggregate)) {
        const estimate = ratioEstimate(aggregate, ...source.ratio)!;
        return ok(summary.mean, deltaInterval(estimate, confidence), "delta_method", summary.n);
      }
      let interval: Interval | null = null;
      if (summary.sdKnown) {
        const half =
          studentTQuantile(1 - (1 - confidence) / 2, summary.n - 1) *
          (summary.sd / Math.sqrt(summary.n));
        interval = { lower: summary.mean - half, upper: summary.mean + half };
      }
      return ok(summary.mean, interval, "student_t", summary.n);
    }
    case "delta": {
      const estimate = source.estimate(aggregate);
      if (!estimate) return missing;
      return ok(estimate.value, deltaInterval(estimate, confidence), "delta_method", null);
    }
    case "percentile": {
      const value = source.value(aggregate);
      if (value === null || !Number.isFinite(value)) return missing;
      return ok(value, source.interval(aggregate, confidence), "order_statistics", null);
    }
  }
}

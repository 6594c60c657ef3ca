import type { VersionAggregate } from "@loopkit/core";
import { studentTQuantile } from "./distributions/student-t.js";
import type { Interval } from "./interval.js";
import { METRICS, type MetricName, type MomentSummary } from "./metric-definitions.js";
import { wilsonInterval } from "./proportions.js";
import type { MeanSummary } from "./welch.js";

/** A metric's value for one version. `null` value means no data (status `missing`), never 0. */
export interface MetricEstimate {
  metric: MetricName;
  value: number | null;
  /** Wilson interval for rates, t interval for means, `null` where none exists. */
  interval: Interval | null;
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

/**
 * Estimates one metric for one version with its interval: Wilson score interval for rates,
 * Student t interval x̄ ± t_{n−1, 1−α/2}·s/√n for means, no interval for percentiles and
 * cost per success.
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
    n: null,
    status: "missing",
  };
  switch (source.kind) {
    case "proportion": {
      const { successes, n } = source.sample(aggregate);
      if (n === 0) return { ...missing, n: 0 };
      return {
        metric,
        value: successes / n,
        interval: wilsonInterval(successes, n, confidence),
        n,
        status: "ok",
      };
    }
    case "mean": {
      const moments = source.sample(aggregate);
      const summary = meanSummaryOf(moments);
      if (!summary) return { ...missing, n: 0 };
      let interval: Interval | null = null;
      if (summary.sdKnown) {
        const half =
          studentTQuantile(1 - (1 - confidence) / 2, summary.n - 1) *
          (summary.sd / Math.sqrt(summary.n));
        interval = { lower: summary.mean - half, upper: summary.mean + half };
      }
      return { metric, value: summary.mean, interval, n: summary.n, status: "ok" };
    }
    case "point": {
      const value = source.value(aggregate);
      if (value === null || !Number.isFinite(value)) return missing;
      return { metric, value, interval: null, n: null, status: "ok" };
    }
  }
}

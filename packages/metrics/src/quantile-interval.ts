import type { LatencyIntervals } from "@loopkit/core";
import { regularizedBeta } from "./distributions/beta.js";
import { requireConfidence, requireInput } from "./errors.js";

/** Ranks (1-based) of the order statistics that bound a quantile; 0 or n + 1 when unbounded. */
export interface QuantileRanks {
  /** Rank of the lower bound, 0 when no order statistic bounds the quantile from below. */
  lower: number;
  /** Rank of the upper bound, n + 1 when no order statistic bounds it from above. */
  upper: number;
}

/** P(B ≤ k) for B ~ Binomial(n, q): I_{1−q}(n − k, k + 1) (A&S 26.5.24), 1 from k = n on. */
function binomialCdf(k: number, n: number, q: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return regularizedBeta(1 - q, n - k, k + 1);
}

/**
 * The ranks l ≤ u of the order statistics x₍l₎, x₍u₎ of n values that bound their q-quantile
 * with confidence at least `confidence`, equal-tailed and distribution-free: with
 * B ~ Binomial(n, q) and α = 1 − confidence, l is the largest rank with P(B ≤ l − 1) ≤ α/2 and u
 * the smallest with P(B ≤ u − 1) ≥ 1 − α/2, so P(x₍l₎ ≤ ξ_q ≤ x₍u₎) ≥ 1 − α for any continuous
 * distribution. The same ranks as the database's `loopkit_quantile_ranks` (migration 0007).
 *
 * Reference: W. J. Conover, _Practical Nonparametric Statistics_, 3rd ed. (1999), §3.2;
 * for n = 100 and the median at 95% the ranks are 40 and 61.
 */
export function quantileIntervalRanks(n: number, q: number, confidence = 0.95): QuantileRanks {
  requireInput(
    Number.isInteger(n) && n >= 1,
    "quantileIntervalRanks(n)",
    `must be a whole number ≥ 1, got ${n}`,
    "Pass the number of values.",
  );
  requireInput(
    q > 0 && q < 1,
    "quantileIntervalRanks(q)",
    `must lie in (0, 1), got ${q}`,
    "Pass e.g. 0.5 for the median.",
  );
  requireConfidence(confidence, "quantileIntervalRanks");
  const tail = (1 - confidence) / 2;
  // F(k) = P(B ≤ k) rises with k: binary searches for the last k with F(k) ≤ α/2 and the first
  // with F(k) ≥ 1 − α/2.
  let lo = -1; // F(lo) ≤ tail (F(−1) = 0)
  let hi = n; // F(hi) > tail (F(n) = 1)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (binomialCdf(mid, n, q) <= tail) lo = mid;
    else hi = mid;
  }
  const lower = lo + 1;
  let below = -1; // F(below) < 1 − tail
  let above = n; // F(above) ≥ 1 − tail
  while (above - below > 1) {
    const mid = Math.floor((below + above) / 2);
    if (binomialCdf(mid, n, q) >= 1 - tail) above = mid;
    else below = mid;
  }
  return { lower, upper: above + 1 };
}

/** The bounds of a quantile's interval read from values sorted ascending. */
function boundsOf(sorted: readonly number[], q: number, confidence: number) {
  const { lower, upper } = quantileIntervalRanks(sorted.length, q, confidence);
  return { lower: sorted[lower - 1] ?? null, upper: sorted[upper - 1] ?? null };
}

/**
 * The distribution-free intervals of p50 and p95 of latencies sorted ascending, as
 * `VersionAggregate.latencyIntervals` defines them; null for no latencies.
 */
export function latencyIntervalsOf(
  sorted: readonly number[],
  confidence: number,
): LatencyIntervals | null {
  if (sorted.length === 0) return null;
  return {
    confidence,
    p50: boundsOf(sorted, 0.5, confidence),
    p95: boundsOf(sorted, 0.95, confidence),
  };
}

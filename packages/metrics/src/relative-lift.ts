import { normalQuantile } from "./distributions/normal.js";
import { requireConfidence } from "./errors.js";
import type { Interval } from "./interval.js";

/** An estimated mean and the variance of that estimate (its squared standard error). */
export interface MeanEstimate {
  mean: number;
  /** Variance of the mean, e.g. s²/n or p(1−p)/n. */
  varianceOfMean: number;
}

/** Relative lift b/a − 1 with its delta-method standard error and interval. */
export interface RelativeLift {
  lift: number;
  standardError: number;
  interval: Interval;
}

/**
 * Relative lift of b over a, (μb / μa) − 1, with a delta-method interval for independent
 * samples:
 *
 *   Var(μb/μa) ≈ Var(μb)/μa² + μb²·Var(μa)/μa⁴,  interval: lift ± z·√Var.
 *
 * Returns `null` when μa = 0 (the ratio is undefined).
 * Reference: G. Casella & R. Berger, "Statistical Inference", 2nd ed., §5.5.4 (delta method);
 * GrowthBook gbstats `variance_of_ratios` / `frequentist_variance(relative=True)`.
 */
export function relativeLift(
  a: MeanEstimate,
  b: MeanEstimate,
  confidence = 0.95,
): RelativeLift | null {
  requireConfidence(confidence, "relativeLift");
  if (a.mean === 0 || !Number.isFinite(a.mean)) return null;
  const lift = b.mean / a.mean - 1;
  const variance =
    b.varianceOfMean / (a.mean * a.mean) + (b.mean * b.mean * a.varianceOfMean) / a.mean ** 4;
  const standardError = Math.sqrt(variance);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  return {
    lift,
    standardError,
    interval: { lower: lift - z * standardError, upper: lift + z * standardError },
  };
}

import { requireInput } from "./errors.js";
import type { Interval } from "./interval.js";

/** Input of {@link confidenceSequence}: an estimate of a difference at the current look. */
export interface ConfidenceSequenceInput {
  /** Point estimate of the effect (absolute or relative difference). */
  estimate: number;
  /** Its standard error at this look. */
  standardError: number;
  /** Units observed so far in both arms together. */
  n: number;
  /** Default 0.05. */
  alpha?: number;
  /**
   * The sample size (both arms) at which the sequence is tightest; GrowthBook's default is 5000.
   * Set it near the expected final sample size.
   */
  tuning?: number;
}

/** An always-valid interval and p-value at the current look. */
export interface ConfidenceSequenceResult {
  interval: Interval;
  /** Always-valid p-value: 1 / e-value, capped at 1. */
  pValue: number;
  /** The mixing parameter ρ derived from α and the tuning parameter. */
  rho: number;
}

/** Default tuning parameter of the confidence sequence (GrowthBook's default). */
export const DEFAULT_SEQUENTIAL_TUNING = 5000;

/**
 * Asymptotic confidence sequence (Waudby-Smith et al.) for a difference, as GrowthBook's gbstats
 * implements it (`SequentialTwoSidedTTest`): valid at every look, so a dashboard can be
 * refreshed at will without inflating false positives.
 *
 *   ρ = √((−2 ln α + ln(−2 ln α + 1)) / N)  (N the tuning parameter; eq. 161),
 *   s² = SE²·n,
 *   half-width = √s² · √(2(nρ² + 1)·ln(√(nρ² + 1)/α) / (nρ)²)  (eq. 9),
 *   p = min(1, √(nρ² + 1)·exp(−ρ²·(estimate²·n/SE²) / (2(nρ² + 1))))  (eq. 155).
 *
 * p < α exactly when the interval excludes 0, for a positive standard error. A standard error of
 * 0 (every observation alike within each arm, as after one request per arm) is a degenerate
 * variance estimate the asymptotic sequence cannot use: the p-value is then 1, no evidence, as
 * gbstats returns its uninformative result when the variance is not positive
 * (`TTest._default_output`); read at every look from the first, p = 0 there would reject up to
 * half of all A/A tests at their first look.
 * Reference: I. Waudby-Smith, D. Arbour, R. Sinha, E. H. Kennedy, A. Ramdas (2023),
 * "Time-uniform central limit theory and asymptotic confidence sequences",
 * https://arxiv.org/abs/2103.06476v7; GrowthBook gbstats `sequential_rho` /
 * `sequential_interval_halfwidth`.
 */
export function confidenceSequence(input: ConfidenceSequenceInput): ConfidenceSequenceResult {
  const alpha = input.alpha ?? 0.05;
  const tuning = input.tuning ?? DEFAULT_SEQUENTIAL_TUNING;
  requireInput(
    alpha > 0 && alpha < 1,
    "confidenceSequence(alpha)",
    `must lie in (0, 1), got ${alpha}`,
    "Pass e.g. 0.05.",
  );
  requireInput(
    tuning > 0 && Number.isFinite(tuning),
    "confidenceSequence(tuning)",
    `must be a positive number, got ${tuning}`,
    "Pass the expected total sample size, e.g. 5000.",
  );
  requireInput(
    input.n >= 1 && input.standardError >= 0 && Number.isFinite(input.estimate),
    "confidenceSequence",
    `needs n ≥ 1, a standard error ≥ 0 and a finite estimate, got n=${input.n}, se=${input.standardError}, estimate=${input.estimate}`,
    "Pass the current estimate of the difference with its standard error.",
  );
  const logAlpha = Math.log(alpha);
  const rho = Math.sqrt((-2 * logAlpha + Math.log(-2 * logAlpha + 1)) / tuning);
  const { estimate, standardError: se, n } = input;
  const nr2p1 = n * rho * rho + 1;
  const s2 = se * se * n;
  const half =
    Math.sqrt(s2) * Math.sqrt((2 * nr2p1 * Math.log(Math.sqrt(nr2p1) / alpha)) / (n * rho) ** 2);
  let pValue: number;
  if (se === 0) pValue = 1;
  else {
    const st2 = (estimate * estimate * n) / (se * se);
    pValue = Math.min(1, Math.sqrt(nr2p1) * Math.exp(-(rho * rho * st2) / (2 * nr2p1)));
  }
  return { interval: { lower: estimate - half, upper: estimate + half }, pValue, rho };
}

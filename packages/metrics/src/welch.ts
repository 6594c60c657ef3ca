import { studentTQuantile, studentTTwoSidedTail } from "./distributions/student-t.js";
import { requireConfidence, requireInput } from "./errors.js";
import type { Interval } from "./interval.js";

/** A sample summarised by its mean, sample standard deviation (n − 1 denominator) and size. */
export interface MeanSummary {
  mean: number;
  sd: number;
  n: number;
}

/** Result of {@link welchTTest}; the difference is b − a. */
export interface WelchTestResult {
  difference: number;
  standardError: number;
  /** t = (x̄b − x̄a) / √(sa²/na + sb²/nb); ±Infinity when both variances are 0 and means differ. */
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  pValue: number;
  interval: Interval;
}

/**
 * Welch's unequal-variance t-test of H₀: μa = μb from summary statistics, two-sided:
 *
 *   t = (x̄b − x̄a) / SE,  SE² = sa²/na + sb²/nb,
 *   ν = SE⁴ / ((sa²/na)²/(na − 1) + (sb²/nb)²/(nb − 1))  (Welch–Satterthwaite),
 *   p = P(|T_ν| > |t|),  interval: (x̄b − x̄a) ± t_{ν, 1−α/2}·SE.
 *
 * Reference: B. L. Welch (1947), Biometrika 34:28–35; F. E. Satterthwaite (1946);
 * scipy `ttest_ind_from_stats(equal_var=False)`.
 */
export function welchTTest(a: MeanSummary, b: MeanSummary, confidence = 0.95): WelchTestResult {
  for (const [name, s] of [
    ["a", a],
    ["b", b],
  ] as const) {
    requireInput(
      Number.isFinite(s.mean) && s.sd >= 0 && Number.isFinite(s.sd) && s.n >= 2,
      `welchTTest(${name})`,
      `needs a finite mean, sd ≥ 0 and n ≥ 2, got mean=${s.mean}, sd=${s.sd}, n=${s.n}`,
      "Compare only samples with at least two observations.",
    );
  }
  requireConfidence(confidence, "welchTTest");
  const va = (a.sd * a.sd) / a.n;
  const vb = (b.sd * b.sd) / b.n;
  const variance = va + vb;
  const standardError = Math.sqrt(variance);
  const difference = b.mean - a.mean;
  if (variance === 0) {
    const df = a.n + b.n - 2;
    return {
      difference,
      standardError,
      t: difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY,
      df,
      pValue: difference === 0 ? 1 : 0,
      interval: { lower: difference, upper: difference },
    };
  }
  const df = (variance * variance) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const t = difference / standardError;
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);
  return {
    difference,
    standardError,
    t,
    df,
    pValue: studentTTwoSidedTail(Math.abs(t), df),
    interval: { lower: difference - q * standardError, upper: difference + q * standardError },
  };
}

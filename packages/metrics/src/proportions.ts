import { normalCdf, normalQuantile } from "./distributions/normal.js";
import { requireConfidence, requireCount, requireInput } from "./errors.js";
import type { Interval } from "./interval.js";

/** Successes out of trials, such as thumbs up out of rated requests. */
export interface ProportionSample {
  successes: number;
  n: number;
}

function requireProportion(sample: ProportionSample, where: string): void {
  requireCount(sample.successes, `${where}.successes`);
  requireCount(sample.n, `${where}.n`);
  requireInput(
    sample.successes <= sample.n,
    where,
    `successes (${sample.successes}) exceed n (${sample.n})`,
    "Count successes among the same trials as n.",
  );
}

/**
 * Wilson score interval for a binomial proportion p̂ = x/n:
 *
 *   (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n),  z = Φ⁻¹(1 − α/2).
 *
 * Returns `null` when n = 0 (no data, not a zero rate).
 * Reference: E. B. Wilson (1927), "Probable inference, the law of succession, and statistical
 * inference", JASA 22:209–212; statsmodels `proportion_confint(method="wilson")`.
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval | null {
  requireProportion({ successes, n }, "wilsonInterval");
  requireConfidence(confidence, "wilsonInterval");
  if (n === 0) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // The bounds are exactly 0 at x = 0 and 1 at x = n; rounding would leave e.g. 2.8e-17.
  return {
    lower: successes === 0 ? 0 : Math.max(0, center - half),
    upper: successes === n ? 1 : Math.min(1, center + half),
  };
}

/** Result of {@link twoProportionZTest}; the difference is b − a. */
export interface TwoProportionTestResult {
  rateA: number;
  rateB: number;
  difference: number;
  /** z = (p̂b − p̂a) / √(p̄(1−p̄)(1/na + 1/nb)), p̄ the pooled rate; 0 when p̄ is 0 or 1. */
  z: number;
  /** Two-sided p-value 2·Φ(−|z|); 1 when both samples have the same rate and no variance. */
  pValue: number;
  /** Unpooled Wald interval of the difference: d ± z·√(p̂a(1−p̂a)/na + p̂b(1−p̂b)/nb). */
  interval: Interval;
  /** Unpooled standard error of the difference. */
  standardError: number;
}

/**
 * Two-sided two-proportion z-test of H₀: pa = pb, with the pooled variance for the test and
 * the unpooled (Wald) variance for the interval of the difference pb − pa.
 *
 * Reference: A. Agresti, "Categorical Data Analysis", 3rd ed., §2.2 and §3.1; statsmodels
 * `proportions_ztest` (pooled) and `confint_proportions_2indep(method="wald")`.
 */
export function twoProportionZTest(
  a: ProportionSample,
  b: ProportionSample,
  confidence = 0.95,
): TwoProportionTestResult {
  requireProportion(a, "twoProportionZTest(a)");
  requireProportion(b, "twoProportionZTest(b)");
  requireInput(
    a.n > 0 && b.n > 0,
    "twoProportionZTest",
    "both samples need at least one trial",
    "Compare only versions that have data for this metric.",
  );
  requireConfidence(confidence, "twoProportionZTest");
  const rateA = a.successes / a.n;
  const rateB = b.successes / b.n;
  const difference = rateB - rateA;
  const pooled = (a.successes + b.successes) / (a.n + b.n);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  const z = pooledSe > 0 ? difference / pooledSe : 0;
  const pValue = pooledSe > 0 ? 2 * normalCdf(-Math.abs(z)) : 1;
  const standardError = Math.sqrt((rateA * (1 - rateA)) / a.n + (rateB * (1 - rateB)) / b.n);
  const q = normalQuantile(1 - (1 - confidence) / 2);
  return {
    rateA,
    rateB,
    difference,
    z,
    pValue,
    standardError,
    interval: { lower: difference - q * standardError, upper: difference + q * standardError },
  };
}

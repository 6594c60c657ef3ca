import { logGamma } from "./distributions/gamma.js";
import { normalSf } from "./distributions/normal.js";
import { requireInput } from "./errors.js";
import { averageRanks } from "./ranks.js";

/** Options of {@link mannWhitneyU}. */
export interface MannWhitneyOptions {
  /**
   * `exact`: the exact null distribution of U (ignores ties); `asymptotic`: normal approximation
   * with tie and continuity correction; `auto` (default): exact when the smaller sample has at
   * most 8 values and there are no ties, as scipy does.
   */
  method?: "auto" | "exact" | "asymptotic";
}

/** Result of {@link mannWhitneyU}. */
export interface MannWhitneyResult {
  /** U of the first sample: R₁ − n₁(n₁ + 1)/2. */
  u: number;
  /** Two-sided p-value. */
  pValue: number;
  method: "exact" | "asymptotic";
  /** The standardised statistic of the asymptotic method; null for the exact one. */
  z: number | null;
}

/**
 * Counts of U = 0…mn among all C(m + n, m) arrangements, as the coefficients of the Gaussian
 * binomial ∏ᵢ₌₁..ₘ (1 − q^{n+i}) / (1 − q^i) (m the smaller size). O(m²n) operations.
 * Reference: H. B. Mann & D. R. Whitney (1947); G. E. Andrews, "The Theory of Partitions", §3.
 */
function exactUCounts(m: number, n: number): number[] {
  const length = m * n + 1;
  const c = new Array<number>(length).fill(0);
  c[0] = 1;
  for (let i = 1; i <= m; i++) {
    const shift = n + i;
    for (let k = length - 1; k >= shift; k--) c[k]! -= c[k - shift]!;
    for (let k = i; k < length; k++) c[k]! += c[k - i]!;
  }
  return c;
}

/** ln C(n, k). */
function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * Mann–Whitney U test (Wilcoxon rank-sum) of two independent samples, two-sided.
 *
 *   U₁ = R₁ − n₁(n₁+1)/2 (R₁ the sum of sample 1's average ranks), U = max(U₁, n₁n₂ − U₁);
 *   exact: p = 2·P(U′ ≥ U) = 2·P(U′ ≤ n₁n₂ − U) under the null distribution of U′;
 *   asymptotic: z = (U − n₁n₂/2 − ½) / σ,
 *     σ² = n₁n₂/12 · ((n + 1) − Σ(t³ − t)/(n(n − 1))) (tie correction), p = 2·(1 − Φ(z)).
 *
 * Reference: H. B. Mann & D. R. Whitney (1947), Ann. Math. Statist. 18:50–60; scipy
 * `mannwhitneyu(use_continuity=True, alternative="two-sided")`.
 */
export function mannWhitneyU(
  a: readonly number[],
  b: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  requireInput(
    a.length > 0 && b.length > 0,
    "mannWhitneyU",
    "both samples need at least one value",
    "Pass two non-empty samples.",
  );
  requireInput(
    [...a, ...b].every(Number.isFinite),
    "mannWhitneyU",
    "samples contain a value that is not a finite number",
    "Drop missing values before testing.",
  );
  const n1 = a.length;
  const n2 = b.length;
  const { ranks, tieSizes } = averageRanks([...a, ...b]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i]!;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u = Math.max(u1, n1 * n2 - u1);
  const requested = options.method ?? "auto";
  const method =
    requested === "auto"
      ? Math.min(n1, n2) <= 8 && tieSizes.length === 0
        ? "exact"
        : "asymptotic"
      : requested;
  if (method === "exact") {
    const small = Math.min(n1, n2);
    requireInput(
      small * n1 * n2 <= 50_000_000 && logChoose(n1 + n2, small) < 700,
      "mannWhitneyU",
      `the exact distribution for samples of ${n1} and ${n2} is too large to enumerate`,
      'Use method "asymptotic" (or "auto"), which is accurate at these sizes.',
    );
    // P(U′ ≥ u) is summed as P(U′ ≤ mn − u) (the null distribution is symmetric): the low
    // coefficients are built from positive terms, while the high ones come out of differences
    // of numbers up to C(m + n, m) and lose all precision once that passes 2⁵³.
    const counts = exactUCounts(Math.min(n1, n2), Math.max(n1, n2));
    let total = 0;
    let tail = 0;
    const threshold = Math.floor(n1 * n2 - u + 1e-9);
    counts.forEach((count, k) => {
      total += count;
      if (k <= threshold) tail += count;
    });
    return { u: u1, pValue: Math.min(1, (2 * tail) / total), method, z: null };
  }
  const n = n1 + n2;
  const tieTerm = tieSizes.reduce((sum, t) => sum + t * t * t - t, 0);
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return { u: u1, pValue: 1, method, z: 0 };
  const z = (u - (n1 * n2) / 2 - 0.5) / sigma;
  return { u: u1, pValue: Math.min(1, 2 * normalSf(z)), method, z };
}

import { studentTTwoSidedTail } from "./distributions/student-t.js";
import { requireInput } from "./errors.js";
import { averageRanks } from "./ranks.js";

/** Weighting of disagreements in {@link cohensKappa}. */
export type KappaWeights = "none" | "linear" | "quadratic";

/**
 * Cohen's kappa between two raters of the same items (a judge and a human, say):
 *
 *   κ = 1 − Σ wᵢⱼ·Oᵢⱼ / Σ wᵢⱼ·Eᵢⱼ,
 *
 * O the observed confusion matrix, E = outer product of the marginals / N, and weights
 * wᵢⱼ = [i ≠ j] (unweighted), |i − j| (linear) or (i − j)² (quadratic), where i, j index the
 * sorted categories. Returns null when agreement by chance is total (the ratio is 0/0). For an
 * ordinal scale pass `categories` (e.g. [1, 2, 3, 4, 5]) so that weights use the whole scale even
 * when some values never occur.
 * Reference: J. Cohen (1960), Educ. Psychol. Meas. 20:37–46; J. Cohen (1968), Psychol. Bull.
 * 70:213–220 (weighted); scikit-learn `cohen_kappa_score(weights=None|"linear"|"quadratic")`.
 */
export function cohensKappa<T extends string | number>(
  a: readonly T[],
  b: readonly T[],
  options: { weights?: KappaWeights; categories?: readonly T[] } = {},
): number | null {
  requireInput(
    a.length === b.length && a.length > 0,
    "cohensKappa",
    `needs two non-empty ratings lists of the same length, got ${a.length} and ${b.length}`,
    "Pass both raters' labels for the same items, in the same order.",
  );
  const categories =
    options.categories ??
    [...new Set([...a, ...b])].sort((x, y) =>
      typeof x === "number" && typeof y === "number"
        ? x - y
        : String(x) < String(y)
          ? -1
          : String(x) > String(y)
            ? 1
            : 0,
    );
  const index = new Map(categories.map((c, i) => [c, i]));
  const k = categories.length;
  const observed = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < a.length; i++) {
    const r = index.get(a[i]!);
    const c = index.get(b[i]!);
    requireInput(
      r !== undefined && c !== undefined,
      "cohensKappa",
      `label ${String(r === undefined ? a[i] : b[i])} is not among the categories`,
      "List every label in options.categories, or omit it.",
    );
    observed[r!]![c!]! += 1;
  }
  const n = a.length;
  const rowSums = observed.map((row) => row.reduce((s, x) => s + x, 0));
  const colSums = categories.map((_, j) => observed.reduce((s, row) => s + row[j]!, 0));
  const weights = options.weights ?? "none";
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w =
        weights === "none"
          ? i === j
            ? 0
            : 1
          : weights === "linear"
            ? Math.abs(i - j)
            : (i - j) ** 2;
      numerator += w * observed[i]![j]!;
      denominator += (w * rowSums[i]! * colSums[j]!) / n;
    }
  }
  return denominator === 0 ? null : 1 - numerator / denominator;
}

/** Result of {@link spearman}. */
export interface CorrelationResult {
  /** null when either variable is constant. */
  rho: number | null;
  /** Two-sided p-value from t = ρ·√((n − 2)/(1 − ρ²)) with n − 2 df; null below 3 pairs. */
  pValue: number | null;
  n: number;
}

/**
 * Spearman's rank correlation: Pearson's correlation of the average ranks (ties share a rank),
 * with the t-approximation p-value.
 * Reference: C. Spearman (1904), Am. J. Psychol. 15:72–101; scipy `spearmanr`.
 */
export function spearman(x: readonly number[], y: readonly number[]): CorrelationResult {
  requireInput(
    x.length === y.length && x.length >= 2,
    "spearman",
    `needs two lists of the same length with at least 2 pairs, got ${x.length} and ${y.length}`,
    "Pass paired scores for the same items.",
  );
  requireInput(
    [...x, ...y].every(Number.isFinite),
    "spearman",
    "a score is not a finite number",
    "Drop items without a score from both lists.",
  );
  const rx = averageRanks(x).ranks;
  const ry = averageRanks(y).ranks;
  const n = x.length;
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = rx[i]! - mean;
    const dy = ry[i]! - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return { rho: null, pValue: null, n };
  const rho = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  if (n < 3) return { rho, pValue: null, n };
  if (Math.abs(rho) === 1) return { rho, pValue: 0, n };
  const t = rho * Math.sqrt((n - 2) / (1 - rho * rho));
  return { rho, pValue: studentTTwoSidedTail(Math.abs(t), n - 2), n };
}

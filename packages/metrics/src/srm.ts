import { chiSquareSf } from "./distributions/chi-square.js";
import { requireCount, requireInput } from "./errors.js";

/** The p-value below which a sample ratio mismatch is flagged. */
export const SRM_THRESHOLD = 0.001;

/** Result of {@link srmTest}. */
export interface SrmResult {
  /** Pearson's χ² statistic; null when a zero-weight arm received units (infinitely unlikely). */
  chiSquare: number | null;
  df: number;
  /** null without any units observed. */
  pValue: number | null;
  /** true when p < 0.001: the split is broken and the experiment's results cannot be trusted. */
  mismatch: boolean;
  /** Expected units per arm: total × weight. */
  expected: number[];
}

/**
 * Sample ratio mismatch test: Pearson's chi-square goodness of fit of the observed units per arm
 * against the configured weights (normalised to sum 1),
 *
 *   χ² = Σ (Oᵢ − Eᵢ)² / Eᵢ,  Eᵢ = N·wᵢ,  df = k − 1 (arms with weight 0 and no units dropped),
 *
 * flagged at p < 0.001.
 * Reference: K. Pearson (1900); R. Kohavi et al., "Trustworthy Online Controlled Experiments"
 * (2020), ch. 21; scipy `chisquare(f_obs, f_exp)`.
 */
export function srmTest(observed: readonly number[], weights: readonly number[]): SrmResult {
  requireInput(
    observed.length === weights.length && observed.length >= 2,
    "srmTest",
    `needs one weight per arm and at least two arms, got ${observed.length} counts and ${weights.length} weights`,
    "Pass the units seen in each variant and the variants' configured weights, in the same order.",
  );
  for (const [i, o] of observed.entries()) requireCount(o, `srmTest(observed[${i}])`);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  requireInput(
    weights.every((w) => w >= 0 && Number.isFinite(w)) && weightSum > 0,
    "srmTest(weights)",
    "weights must be non-negative and not all zero",
    "Pass the experiment's variant weights, e.g. [0.5, 0.5].",
  );
  const total = observed.reduce((s, o) => s + o, 0);
  const expected = weights.map((w) => (total * w) / weightSum);
  if (total === 0) {
    return { chiSquare: 0, df: observed.length - 1, pValue: null, mismatch: false, expected };
  }
  let chiSquare = 0;
  let cells = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i]!;
    const o = observed[i]!;
    if (e === 0) {
      if (o > 0)
        return { chiSquare: null, df: observed.length - 1, pValue: 0, mismatch: true, expected };
      continue;
    }
    cells += 1;
    chiSquare += ((o - e) * (o - e)) / e;
  }
  const df = cells - 1;
  const pValue = df > 0 ? chiSquareSf(chiSquare, df) : 1;
  return { chiSquare, df, pValue, mismatch: pValue < SRM_THRESHOLD, expected };
}

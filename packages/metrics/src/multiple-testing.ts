import { requireInput } from "./errors.js";

function requirePValues(pValues: readonly number[], where: string): void {
  for (const p of pValues) {
    requireInput(
      p >= 0 && p <= 1,
      where,
      `p-values must lie in [0, 1], got ${p}`,
      "Pass raw p-values from the tests being corrected.",
    );
  }
}

/**
 * Holm's step-down adjusted p-values (family-wise error rate), in the input order:
 *
 *   p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎)  for the sorted p₍₁₎ ≤ … ≤ p₍ₘ₎.
 *
 * Reject H₀ᵢ when p̃ᵢ ≤ α.
 * Reference: S. Holm (1979), "A simple sequentially rejective multiple test procedure",
 * Scand. J. Statist. 6:65–70; statsmodels `multipletests(method="holm")`.
 */
export function holm(pValues: readonly number[]): number[] {
  requirePValues(pValues, "holm");
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i]! - pValues[j]!);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[index]!));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * Benjamini–Hochberg step-up adjusted p-values (false discovery rate), in the input order:
 *
 *   p̃₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎ / j).
 *
 * Reference: Y. Benjamini & Y. Hochberg (1995), JRSS B 57:289–300; statsmodels
 * `multipletests(method="fdr_bh")`.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  requirePValues(pValues, "benjaminiHochberg");
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[j]! - pValues[i]!);
  const adjusted = new Array<number>(m);
  let running = 1;
  order.forEach((index, k) => {
    const rank = m - k;
    running = Math.min(running, Math.min(1, (m * pValues[index]!) / rank));
    adjusted[index] = running;
  });
  return adjusted;
}

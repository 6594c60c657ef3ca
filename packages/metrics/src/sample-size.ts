import { normalQuantile } from "./distributions/normal.js";
import { requireInput } from "./errors.js";

/** Sample size per variant: the exact solution and the whole number to plan for. */
export interface SampleSize {
  /** ⌈exact⌉: units needed in each arm. */
  perVariant: number;
  /** The unrounded solution of the power equation. */
  exact: number;
}

function checkDesign(alpha: number, power: number, where: string): void {
  requireInput(
    alpha > 0 && alpha < 1,
    where,
    `alpha must lie in (0, 1), got ${alpha}`,
    "Pass e.g. 0.05.",
  );
  requireInput(
    power > 0 && power < 1,
    where,
    `power must lie in (0, 1), got ${power}`,
    "Pass e.g. 0.8.",
  );
}

/**
 * Units per arm for a two-sided two-proportion z-test to detect an absolute difference `mde`
 * from `baseRate` with the given power (equal arms, far tail ignored):
 *
 *   n = (z_{1−α/2}·√(2p̄(1 − p̄)) + z_{power}·√(p₁(1 − p₁) + p₂(1 − p₂)))² / mde²,
 *   p₁ = baseRate, p₂ = baseRate + mde, p̄ = (p₁ + p₂)/2.
 *
 * Reference: J. L. Fleiss, B. Levin, M. C. Paik, "Statistical Methods for Rates and
 * Proportions", 3rd ed. (2003), eq. 4.14 (without continuity correction); R `power.prop.test`;
 * statsmodels `samplesize_proportions_2indep_onetail`.
 */
export function sampleSizeForProportions(input: {
  baseRate: number;
  mde: number;
  alpha?: number;
  power?: number;
}): SampleSize {
  const { baseRate, mde } = input;
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  checkDesign(alpha, power, "sampleSizeForProportions");
  const p2 = baseRate + mde;
  requireInput(
    baseRate > 0 && baseRate < 1 && mde !== 0 && p2 > 0 && p2 < 1,
    "sampleSizeForProportions",
    `needs 0 < baseRate < 1 and a non-zero mde keeping baseRate + mde in (0, 1), got ${baseRate} and ${mde}`,
    "Give the mde as an absolute difference, e.g. 0.02 for two percentage points.",
  );
  const pooled = (baseRate + p2) / 2;
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zPower = normalQuantile(power);
  const root =
    zAlpha * Math.sqrt(2 * pooled * (1 - pooled)) +
    zPower * Math.sqrt(baseRate * (1 - baseRate) + p2 * (1 - p2));
  const exact = (root * root) / (mde * mde);
  return { exact, perVariant: Math.ceil(exact) };
}

/**
 * Units per arm for a two-sided two-sample test of means (normal approximation, equal arms):
 *
 *   n = 2σ²(z_{1−α/2} + z_{power})² / mde².
 *
 * Reference: S.-C. Chow, J. Shao, H. Wang, "Sample Size Calculations in Clinical Research",
 * 2nd ed. (2008), §3.2.1; statsmodels `normal_sample_size_one_tail`.
 */
export function sampleSizeForMeans(input: {
  sd: number;
  mde: number;
  alpha?: number;
  power?: number;
}): SampleSize {
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  checkDesign(alpha, power, "sampleSizeForMeans");
  requireInput(
    input.sd > 0 && input.mde !== 0 && Number.isFinite(input.mde),
    "sampleSizeForMeans",
    `needs sd > 0 and a non-zero mde, got ${input.sd} and ${input.mde}`,
    "Give the mde in the metric's units and the control's standard deviation.",
  );
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  const exact = (2 * input.sd * input.sd * z * z) / (input.mde * input.mde);
  return { exact, perVariant: Math.ceil(exact) };
}

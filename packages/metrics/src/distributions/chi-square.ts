import { regularizedGammaP, regularizedGammaQ } from "./gamma.js";

/**
 * Chi-square cumulative distribution function with `df` degrees of freedom: P(df/2, x/2).
 * Reference: Abramowitz & Stegun 26.4.19; Numerical Recipes, 3rd ed., §6.14.
 */
export function chiSquareCdf(x: number, df: number): number {
  return regularizedGammaP(df / 2, x / 2);
}

/**
 * Chi-square survival function 1 − F(x) = Q(df/2, x/2), computed in the upper tail so that
 * small p-values keep their precision.
 * Reference: Abramowitz & Stegun 26.4.19.
 */
export function chiSquareSf(x: number, df: number): number {
  return regularizedGammaQ(df / 2, x / 2);
}

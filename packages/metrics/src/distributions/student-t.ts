import { regularizedBeta } from "./beta.js";
import { logGamma } from "./gamma.js";
import { normalCdf, normalQuantile } from "./normal.js";

/**
 * Student t cumulative distribution function with `df` degrees of freedom (df > 0, may be
 * fractional, as the Welch–Satterthwaite df is; `Infinity` gives the normal).
 *
 * For t < 0, F(t) = ½·I_{ν/(ν+t²)}(ν/2, ½); F(t) = 1 − F(−t) otherwise. When ν/(ν+t²) is
 * close to 1, the complement I_{t²/(ν+t²)}(½, ν/2) is used so no precision is lost.
 * Reference: Abramowitz & Stegun 26.7.1 and 26.5.27; DLMF 8.17.
 */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalCdf(t);
  const tail = 0.5 * studentTTwoSidedTail(Math.abs(t), df);
  return t < 0 ? tail : 1 - tail;
}

/** Two-sided tail P(|T| > |t|) of the Student t distribution. */
export function studentTTwoSidedTail(t: number, df: number): number {
  if (df === Number.POSITIVE_INFINITY) return 2 * normalCdf(-Math.abs(t));
  const t2 = t * t;
  const x = df / (df + t2);
  if (x > 0.5) return 1 - regularizedBeta(t2 / (df + t2), 0.5, df / 2);
  return regularizedBeta(x, df / 2, 0.5);
}

/** Student t density with `df` degrees of freedom. */
export function studentTPdf(t: number, df: number): number {
  if (df === Number.POSITIVE_INFINITY) return Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * Student t quantile F⁻¹(p) with `df` degrees of freedom, for 0 < p < 1.
 *
 * Solves F(t) = p by Newton's method from the normal quantile, kept inside a bisection
 * bracket so it always converges; accurate to about 1e-12 relative.
 * Reference: the CDF above; the safeguarded Newton method of Numerical Recipes, 3rd ed., §9.4.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    return Number.NaN;
  }
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  if (p > 0.5) return -studentTQuantile(1 - p, df);
  if (p === 0.5) return 0;
  // Lower half: the root is negative. Bracket it.
  let hi = 0;
  let lo = Math.min(-1, normalQuantile(p));
  while (studentTCdf(lo, df) > p) {
    hi = lo;
    lo *= 2;
    if (!Number.isFinite(lo)) return Number.NEGATIVE_INFINITY;
  }
  let t = Math.max(lo, Math.min(hi, normalQuantile(p)));
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(t, df) - p;
    if (f > 0) hi = t;
    else lo = t;
    let next = t - f / studentTPdf(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-14 * Math.max(1, Math.abs(next))) return next;
    t = next;
  }
  return t;
}

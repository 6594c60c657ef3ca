import { logBeta } from "./distributions/gamma.js";
import { normalCdf, normalPdf } from "./distributions/normal.js";
import { requireCount, requireInput } from "./errors.js";
import type { ProportionSample } from "./proportions.js";

/** Chance that the variant beats control, and the expected loss of each choice. */
export interface BayesianComparison {
  /** P(variant > control). */
  chanceToBeatControl: number;
  /** E[max(control − variant, 0)]: what shipping the variant costs if it is worse. */
  expectedLossVariant: number;
  /** E[max(variant − control, 0)]: what keeping control costs if the variant is better. */
  expectedLossControl: number;
}

/**
 * Chance to beat control and expected loss when the difference d = variant − control has a
 * normal posterior N(μ, σ²) (the normal approximation GrowthBook uses for means):
 *
 *   P(d > 0) = Φ(μ/σ),
 *   E[max(−d, 0)] = σ·φ(μ/σ) − μ·Φ(−μ/σ),  E[max(d, 0)] = σ·φ(μ/σ) + μ·Φ(μ/σ).
 *
 * Reference: N. L. Johnson, S. Kotz & N. Balakrishnan, "Continuous Univariate Distributions"
 * vol. 1, §13.10 (truncated normal mean); GrowthBook gbstats Bayesian `chance_to_win` / `risk`.
 */
export function chanceToBeatControl(difference: {
  mean: number;
  standardError: number;
}): BayesianComparison {
  const { mean: mu, standardError: sigma } = difference;
  requireInput(
    Number.isFinite(mu) && sigma >= 0 && Number.isFinite(sigma),
    "chanceToBeatControl",
    `needs a finite mean and standard error ≥ 0, got ${mu} and ${sigma}`,
    "Pass the posterior (or estimated) difference and its standard error.",
  );
  if (sigma === 0) {
    return {
      chanceToBeatControl: mu > 0 ? 1 : mu < 0 ? 0 : 0.5,
      expectedLossVariant: Math.max(-mu, 0),
      expectedLossControl: Math.max(mu, 0),
    };
  }
  const z = mu / sigma;
  const density = sigma * normalPdf(z);
  return {
    chanceToBeatControl: normalCdf(z),
    expectedLossVariant: density - mu * normalCdf(-z),
    expectedLossControl: density + mu * normalCdf(z),
  };
}

/** A Beta(α, β) prior on a rate; both positive integers (default 1, 1: uniform). */
export interface BetaPrior {
  alpha: number;
  beta: number;
}

/**
 * P(X > Y) for independent X ~ Beta(a, b), Y ~ Beta(c, d), with a or c a whole number:
 *
 *   P(X > Y) = Σ_{i=0}^{a−1} B(c + i, b + d) / ((b + i)·B(1 + i, b)·B(c, d)).
 *
 * Reference: E. Miller, "Formulas for Bayesian A/B Testing" (2015),
 * https://www.evanmiller.org/bayesian-ab-testing.html.
 */
function probabilityGreater(a: number, b: number, c: number, d: number): number {
  if (!Number.isInteger(a) || (Number.isInteger(c) && c < a)) {
    return 1 - probabilityGreater(c, d, a, b);
  }
  // term(i) = B(c + i, b + d) / ((b + i)·B(1 + i, b)·B(c, d)), and since B(x + 1, y) = B(x, y)·x/(x + y),
  // term(i + 1)/term(i) = (c + i)(b + i) / ((b + c + d + i)(1 + i)). That ratio exceeds 1 exactly
  // while i < (bc − b − c − d)/(d + 1), so the terms rise to one mode and then fall: sum outward
  // from the mode until terms drop below e⁻⁴⁵ of it. Millions of successes cost thousands of terms.
  const logTermAt = (i: number) =>
    logBeta(c + i, b + d) - Math.log(b + i) - logBeta(1 + i, b) - logBeta(c, d);
  const logRatio = (i: number) => Math.log((c + i) / (b + c + d + i)) + Math.log((b + i) / (1 + i));
  const mode = Math.min(a - 1, Math.max(0, Math.round((b * c - b - c - d) / (d + 1))));
  let scaled = 1;
  let log = 0;
  for (let i = mode + 1; i < a; i++) {
    log += logRatio(i - 1);
    scaled += Math.exp(log);
    if (log < -45) break;
  }
  log = 0;
  for (let i = mode - 1; i >= 0; i--) {
    log -= logRatio(i);
    scaled += Math.exp(log);
    if (log < -45) break;
  }
  return Math.min(1, Math.max(0, scaled * Math.exp(logTermAt(mode))));
}

/**
 * Chance to beat control and expected loss for two rates with Beta posteriors (beta-binomial
 * model): control ~ Beta(α + xa, β + na − xa), variant ~ Beta(α + xb, β + nb − xb);
 *
 *   P(pb > pa) by Miller's closed form, and
 *   E[max(pa − pb, 0)] = αa/(αa+βa)·P(X_{αa+1,βa} > X_{αb,βb}) − αb/(αb+βb)·P(X_{αa,βa} > X_{αb+1,βb}).
 *
 * The terms are unimodal, so only those within e⁻⁴⁵ of the largest are summed: exact to double
 * precision and fast up to millions of successes (where ln B of huge arguments leaves the
 * expected loss, a difference of two close numbers, with a relative error near 1e-5).
 * Reference: E. Miller (2015), above; C. Stucchio, "Bayesian A/B Testing at VWO" (2015), §4.
 */
export function chanceToBeatControlBeta(
  control: ProportionSample,
  variant: ProportionSample,
  prior: BetaPrior = { alpha: 1, beta: 1 },
): BayesianComparison {
  for (const [name, s] of [
    ["control", control],
    ["variant", variant],
  ] as const) {
    requireCount(s.successes, `chanceToBeatControlBeta(${name}.successes)`);
    requireCount(s.n, `chanceToBeatControlBeta(${name}.n)`);
    requireInput(
      s.successes <= s.n,
      `chanceToBeatControlBeta(${name})`,
      "successes exceed n",
      "Count successes among the same trials as n.",
    );
  }
  requireInput(
    Number.isInteger(prior.alpha) &&
      Number.isInteger(prior.beta) &&
      prior.alpha > 0 &&
      prior.beta > 0,
    "chanceToBeatControlBeta(prior)",
    `alpha and beta must be positive whole numbers, got ${prior.alpha} and ${prior.beta}`,
    "Use the default Beta(1, 1) or another whole-number prior.",
  );
  const aa = prior.alpha + control.successes;
  const ba = prior.beta + control.n - control.successes;
  const ab = prior.alpha + variant.successes;
  const bb = prior.beta + variant.n - variant.successes;
  const chance = probabilityGreater(ab, bb, aa, ba);
  const lossVariant =
    (aa / (aa + ba)) * probabilityGreater(aa + 1, ba, ab, bb) -
    (ab / (ab + bb)) * probabilityGreater(aa, ba, ab + 1, bb);
  const lossControl =
    (ab / (ab + bb)) * probabilityGreater(ab + 1, bb, aa, ba) -
    (aa / (aa + ba)) * probabilityGreater(ab, bb, aa + 1, ba);
  return {
    chanceToBeatControl: chance,
    expectedLossVariant: Math.max(0, lossVariant),
    expectedLossControl: Math.max(0, lossControl),
  };
}

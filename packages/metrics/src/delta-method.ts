import type { UnitTotal, VersionAggregate } from "@loopkit/core";

/** A metric's estimate from per-unit totals and its delta-method variance. */
export interface DeltaEstimate {
  value: number;
  /** Variance of the estimate (its squared standard error); null below two units. */
  variance: number | null;
  /** Units behind it (users, or requests without a user id). */
  units: number;
}

/** Σ over units of a total: the aggregate's own field (ratings from their histogram). */
export function unitTotal(a: VersionAggregate, total: UnitTotal): number {
  switch (total) {
    case "rated":
      return Object.values(a.ratingCounts).reduce((n, count) => n + count, 0);
    case "ratingSum":
      return Object.entries(a.ratingCounts).reduce((s, [v, count]) => s + Number(v) * count, 0);
    case "costSum":
      return a.costMicrosSum;
    default:
      return a[total];
  }
}

/** Σ over units of a·b, whichever order UNIT_PRODUCTS lists the pair in. */
function productOf(a: VersionAggregate, x: UnitTotal, y: UnitTotal): number {
  const products = a.unitMoments.products as Record<string, number>;
  const value = products[`${x}*${y}`] ?? products[`${y}*${x}`];
  if (value === undefined) throw new Error(`delta method: no unit product ${x}*${y}`);
  return value;
}

/**
 * Variance of a smooth function f of the per-unit means, by the delta method:
 * Var f(x̄) ≈ ∇fᵀ S ∇f / K, with S the sample covariance of the per-unit totals,
 * S_ab = (Σ aᵢbᵢ − Σaᵢ Σbᵢ / K) / (K − 1), and K the number of units. Null below two units.
 * `gradient` is ∂f/∂(mean of the total), for the totals f depends on.
 *
 * Reference: A. Deng, U. Knoblich, J. Lu (2018), "Applying the Delta Method in Metric
 * Analytics: A Practical Guide with Novel Ideas", KDD '18, §3 (arXiv:1803.06336); G. Casella &
 * R. Berger, _Statistical Inference_, 2nd ed., Theorem 5.5.24.
 */
export function deltaMethodVariance(
  a: VersionAggregate,
  gradient: Partial<Record<UnitTotal, number>>,
): number | null {
  const k = a.unitMoments.units;
  if (k < 2) return null;
  const terms = Object.entries(gradient) as [UnitTotal, number][];
  let variance = 0;
  for (const [x, gx] of terms) {
    for (const [y, gy] of terms) {
      const covariance = (productOf(a, x, y) - (unitTotal(a, x) * unitTotal(a, y)) / k) / (k - 1);
      variance += gx * gy * covariance;
    }
  }
  return Math.max(0, variance / k);
}

/**
 * A ratio of totals ΣS/ΣN (a rate or a mean per unit of N) with its delta-method variance:
 * the gradient of S̄/N̄ is (1/N̄, −S̄/N̄²), giving Deng et al.'s
 * Var = (σ²_S/μ²_N − 2μ_S σ_SN/μ³_N + μ²_S σ²_N/μ⁴_N) / K. Null when ΣN = 0.
 */
export function ratioEstimate(
  a: VersionAggregate,
  numerator: UnitTotal,
  denominator: UnitTotal,
): DeltaEstimate | null {
  const k = a.unitMoments.units;
  const n = unitTotal(a, denominator);
  if (n === 0) return null;
  const value = unitTotal(a, numerator) / n;
  const meanN = n / k;
  const variance = deltaMethodVariance(a, {
    [numerator]: 1 / meanN,
    [denominator]: -value / meanN,
  });
  return { value, variance, units: k };
}

/**
 * Cost per successful task, (mean cost per costed request) ÷ (successes per outcome) =
 * (C̄/c̄)·(ō/s̄), with its delta-method variance: ∇ = f·(1/C̄, −1/c̄, −1/s̄, 1/ō) over the cost
 * sum, costed count, successes and outcomes per unit (∂f/∂C̄ written ō/(c̄s̄), which holds at
 * C̄ = 0 too). Null without a cost, an outcome or a success.
 */
export function costPerSuccessEstimate(a: VersionAggregate): DeltaEstimate | null {
  const k = a.unitMoments.units;
  if (a.costed === 0 || a.outcomes === 0 || a.successes === 0) return null;
  const value = a.costMicrosSum / a.costed / (a.successes / a.outcomes);
  const variance = deltaMethodVariance(a, {
    costSum: (k / a.costed) * (a.outcomes / a.successes),
    costed: (-value * k) / a.costed,
    successes: (-value * k) / a.successes,
    outcomes: (value * k) / a.outcomes,
  });
  return { value, variance, units: k };
}

import { emptyVersionAggregate, type VersionAggregate } from "@loopkit/core";

/** A VersionAggregate with no signals, overridden by `fields`. */
export function aggregate(
  version: string,
  fields: Partial<VersionAggregate> = {},
): VersionAggregate {
  return { ...emptyVersionAggregate(version), ...fields };
}

/** Cost moments of n requests costing `mean` each ± `sd` (two equal halves at mean ± sd·√((n−1)/n)). */
export function costMoments(n: number, mean: number, sd: number) {
  // Half at mean + d, half at mean − d gives sample variance d²·n/(n − 1).
  const d = sd * Math.sqrt((n - 1) / n);
  return {
    costed: n,
    costMicrosSum: n * mean,
    costMicrosSumSquares: (n / 2) * ((mean + d) ** 2 + (mean - d) ** 2),
  };
}

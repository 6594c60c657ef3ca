import type { VersionAggregate } from "@loopkit/core";

/** A VersionAggregate with no signals, overridden by `fields`. */
export function aggregate(
  version: string,
  fields: Partial<VersionAggregate> = {},
): VersionAggregate {
  return {
    version,
    requests: 0,
    errors: 0,
    outcomes: 0,
    successes: 0,
    ratingCounts: {},
    thumbs: 0,
    thumbsUp: 0,
    copied: 0,
    regenerated: 0,
    edited: 0,
    abandoned: 0,
    flagged: 0,
    costed: 0,
    costMicrosSum: 0,
    costMicrosSumSquares: 0,
    latencyP50: null,
    latencyP95: null,
    ...fields,
  };
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

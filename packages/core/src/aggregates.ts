/**
 * What the database aggregates per prompt version (or experiment variant) for the metrics
 * package: counts and sums computed in SQL, so metrics never needs the raw rows.
 *
 * A request counts once per signal: a request rated twice contributes its latest rating.
 * Safety flags are feedback named `flagged` (value `true`) or beginning with `flag.`.
 */
export interface VersionAggregate {
  /** The prompt version, or the experiment variant key. */
  version: string;
  /** Logged requests (shadow runs excluded). */
  requests: number;
  /** Requests whose status is `error`. */
  errors: number;
  /** Requests with a `task_succeeded` outcome, and of those, the ones that succeeded. */
  outcomes: number;
  successes: number;
  /** Ratings by value (`"4"` → 17), each normalised to its scale's 1–5 if it had another. */
  ratingCounts: Record<string, number>;
  /** Requests with `thumbs` feedback, and of those, thumbs up. */
  thumbs: number;
  thumbsUp: number;
  /** Requests with each implicit signal. */
  copied: number;
  regenerated: number;
  edited: number;
  abandoned: number;
  /** Requests with a safety flag. */
  flagged: number;
  /** Requests with a known cost, and the sum and sum of squares of their cost in micro-dollars. */
  costed: number;
  costMicrosSum: number;
  costMicrosSumSquares: number;
  /** Latency percentiles in milliseconds (linear interpolation, `percentile_cont`), or null without latencies. */
  latencyP50: number | null;
  latencyP95: number | null;
  /** Distribution-free intervals of the two latency percentiles; null without latencies. */
  latencyIntervals: LatencyIntervals | null;
  /** Second moments of per-unit totals, for variances that respect who sent the requests. */
  unitMoments: UnitMoments;
}

/**
 * Confidence intervals of the latency percentiles that assume nothing about the distribution:
 * the order statistics x₍l₎ and x₍u₎ at the equal-tailed binomial ranks (l the largest rank with
 * P(B ≤ l − 1) ≤ α/2, u the smallest with P(B ≤ u − 1) ≥ 1 − α/2, B ~ Binomial(n, q),
 * α = 1 − confidence), so P(x₍l₎ ≤ q-quantile ≤ x₍u₎) ≥ confidence. A bound is null when no
 * order statistic gives it at this level (too few latencies, e.g. fewer than 59 for the upper
 * bound of p95 at 95%). Reference: W. J. Conover, _Practical Nonparametric Statistics_, 3rd ed.
 * (1999), §3.2; G. J. Hahn & W. Q. Meeker, _Statistical Intervals_ (1991), §5.2.
 */
export interface LatencyIntervals {
  /** The level the ranks were chosen for, e.g. 0.95. */
  confidence: number;
  p50: { lower: number | null; upper: number | null };
  p95: { lower: number | null; upper: number | null };
}

/** A per-unit total whose products {@link UnitMoments} carries. */
export type UnitTotal =
  | "requests"
  | "errors"
  | "outcomes"
  | "successes"
  | "rated"
  | "ratingSum"
  | "thumbs"
  | "thumbsUp"
  | "copied"
  | "regenerated"
  | "edited"
  | "abandoned"
  | "flagged"
  | "costed"
  | "costSum";

/**
 * The products of per-unit totals that {@link UnitMoments} sums: for every rate or mean S/N its
 * S·S, S·N and N·N, and every pair of cost, costed, successes and outcomes (cost per success is
 * a function of those four).
 */
export const UNIT_PRODUCTS = [
  "requests*requests",
  "errors*errors",
  "errors*requests",
  "copied*copied",
  "copied*requests",
  "regenerated*regenerated",
  "regenerated*requests",
  "edited*edited",
  "edited*requests",
  "abandoned*abandoned",
  "abandoned*requests",
  "flagged*flagged",
  "flagged*requests",
  "outcomes*outcomes",
  "successes*successes",
  "successes*outcomes",
  "thumbs*thumbs",
  "thumbsUp*thumbsUp",
  "thumbsUp*thumbs",
  "rated*rated",
  "ratingSum*ratingSum",
  "ratingSum*rated",
  "costed*costed",
  "costSum*costSum",
  "costSum*costed",
  "costSum*successes",
  "costSum*outcomes",
  "costed*successes",
  "costed*outcomes",
] as const;

/** One of {@link UNIT_PRODUCTS}: `"a*b"` is Σ over units of (unit's total a)·(unit's total b). */
export type UnitProduct = (typeof UNIT_PRODUCTS)[number];

/**
 * Per-unit moments for delta-method variances (Deng, Knoblich & Lu 2018, "Applying the Delta
 * Method in Metric Analytics", KDD). Requests of one user are correlated, so variances are
 * computed over units: a unit is a user (hashed user id), and a request without a user id is a
 * unit of its own. When no request has a user id every unit is a request and `unit` is
 * `"request"`. The sum over units of each total is the aggregate's own field (`requests`,
 * `errors`, …; `rated` and `ratingSum` are the count and sum of `ratingCounts`, `costSum` is
 * `costMicrosSum`).
 */
export interface UnitMoments {
  unit: "user" | "request";
  /** Number of units (users plus requests without a user id). */
  units: number;
  /** Σ over units of the product of two of the unit's totals, by {@link UnitProduct}. */
  products: Record<UnitProduct, number>;
}

/** Unit moments with no units. */
function emptyUnitMoments(): UnitMoments {
  const products = {} as Record<UnitProduct, number>;
  for (const product of UNIT_PRODUCTS) products[product] = 0;
  return { unit: "request", units: 0, products };
}

/** The aggregate of a version with no requests yet: every count 0, no latencies. */
export function emptyVersionAggregate(version: string): VersionAggregate {
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
    latencyIntervals: null,
    unitMoments: emptyUnitMoments(),
  };
}

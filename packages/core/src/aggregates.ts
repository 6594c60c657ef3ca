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
  /** Latency percentiles in milliseconds, or null without latencies. */
  latencyP50: number | null;
  latencyP95: number | null;
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
  };
}

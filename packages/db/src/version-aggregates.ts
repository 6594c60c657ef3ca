import { LoopkitError, type VersionAggregate } from "@loopkit/core";
import type { Queryable } from "./database.js";

/** Which requests {@link versionAggregates} counts, and how it groups them. */
export interface AggregateFilter {
  promptName?: string;
  /** Requests at or after this time. */
  from?: Date;
  /** Requests before this time. */
  to?: Date;
  /** Requests carrying all of these tags. */
  tags?: string[];
  /** Group by prompt version (default) or by experiment variant. */
  groupBy?: "promptVersion" | "variant";
  experimentKey?: string;
  /** Also split each version into UTC hours or days (rows then carry `bucketStart`). */
  bucket?: "hour" | "day";
}

/** A {@link VersionAggregate} of one time bucket, when a `bucket` was asked for. */
export type BucketedVersionAggregate = VersionAggregate & { bucketStart: Date };

/** The label of requests without a prompt version (or variant). */
export const NO_VERSION = "(none)";

interface AggregateRow {
  version: string;
  bucket_start: Date | null;
  requests: number;
  errors: number;
  outcomes: number;
  successes: number;
  thumbs: number;
  thumbs_up: number;
  copied: number;
  regenerated: number;
  edited: number;
  abandoned: number;
  flagged: number;
  costed: number;
  cost_sum: number;
  cost_sum_squares: number;
}

interface LatencyRow {
  version: string;
  bucket_start: Date | null;
  percentiles: [number, number];
}

interface RatingRow {
  version: string;
  bucket_start: Date | null;
  rating: number;
  n: number;
}

/**
 * The requests counted, from `request_rollups` (one row per request holding the latest value
 * of each feedback signal, kept by insertEvents): the project's logged requests matching the
 * filter, shadow runs excluded. Every value is a bound parameter.
 */
const FROM_ROLLUPS = `
  SELECT coalesce(CASE WHEN $6::boolean THEN variant ELSE prompt_version END, '${NO_VERSION}') AS version,
         date_trunc($8::text, ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket_start, *
  FROM request_rollups
  WHERE project_id = $1
    AND has_request
    AND NOT shadow
    AND ($2::text IS NULL OR prompt_name = $2)
    AND ($3::timestamptz IS NULL OR ts >= $3)
    AND ($4::timestamptz IS NULL OR ts < $4)
    AND ($5::text[] IS NULL OR tags @> $5::text[])
    AND ($7::text IS NULL OR experiment_key = $7)`;

const AGGREGATE_SQL = `
SELECT version, bucket_start,
       count(*)::int AS requests,
       count(*) FILTER (WHERE is_error)::int AS errors,
       count(outcome)::int AS outcomes,
       count(*) FILTER (WHERE outcome)::int AS successes,
       count(thumbs)::int AS thumbs,
       count(*) FILTER (WHERE thumbs)::int AS thumbs_up,
       count(*) FILTER (WHERE copied)::int AS copied,
       count(*) FILTER (WHERE regenerated)::int AS regenerated,
       count(*) FILTER (WHERE edited)::int AS edited,
       count(*) FILTER (WHERE abandoned)::int AS abandoned,
       count(*) FILTER (WHERE CASE WHEN flags = '{}'::jsonb THEN false
                                   ELSE loopkit_is_flagged(flags) END)::int AS flagged,
       count(cost_micros)::int AS costed,
       coalesce(sum(cost_micros::float8), 0)::float8 AS cost_sum,
       coalesce(sum(cost_micros::float8 * cost_micros::float8), 0)::float8 AS cost_sum_squares
FROM (${FROM_ROLLUPS}) counted
GROUP BY version, bucket_start
ORDER BY version, bucket_start`;

/**
 * Percentiles need sorted input. Latencies are gathered per group by a hash aggregate, then each
 * group's array is sorted on its own (small in-memory sorts, not one external sort of every row
 * by group), and both percentiles come from that one sort.
 */
const LATENCY_SQL = `
SELECT version, bucket_start,
       (SELECT percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY x) FROM unnest(latencies) x)
         AS percentiles
FROM (SELECT version, bucket_start, array_agg(latency_ms) AS latencies
      FROM (${FROM_ROLLUPS} AND latency_ms IS NOT NULL) timed
      GROUP BY version, bucket_start) grouped`;

const RATINGS_SQL = `
SELECT version, bucket_start, rating, count(*)::int AS n
FROM (${FROM_ROLLUPS} AND rating IS NOT NULL) rated
GROUP BY version, bucket_start, rating`;

function toAggregate(
  row: AggregateRow,
  ratingCounts: Record<string, number>,
  latency: [number, number] | undefined,
): VersionAggregate {
  return {
    version: row.version,
    requests: row.requests,
    errors: row.errors,
    outcomes: row.outcomes,
    successes: row.successes,
    ratingCounts,
    thumbs: row.thumbs,
    thumbsUp: row.thumbs_up,
    copied: row.copied,
    regenerated: row.regenerated,
    edited: row.edited,
    abandoned: row.abandoned,
    flagged: row.flagged,
    costed: row.costed,
    costMicrosSum: row.cost_sum,
    costMicrosSumSquares: row.cost_sum_squares,
    latencyP50: latency?.[0] ?? null,
    latencyP95: latency?.[1] ?? null,
  };
}

/**
 * Counts and sums per prompt version (or experiment variant), computed in SQL as
 * `VersionAggregate` defines them: shadow runs excluded, each request counted once per signal
 * with its latest feedback of each name, ratings normalised to 1–5, requests without a version
 * grouped under "(none)". With `bucket`, one row per version and UTC hour or day.
 *
 * @throws {LoopkitError} `INVALID_INPUT` for an unknown `bucket` or `groupBy`.
 */
export async function versionAggregates(
  db: Queryable,
  projectId: string,
  filter: AggregateFilter & { bucket: "hour" | "day" },
): Promise<BucketedVersionAggregate[]>;
export async function versionAggregates(
  db: Queryable,
  projectId: string,
  filter?: AggregateFilter,
): Promise<VersionAggregate[]>;
export async function versionAggregates(
  db: Queryable,
  projectId: string,
  filter: AggregateFilter = {},
): Promise<Array<VersionAggregate | BucketedVersionAggregate>> {
  if (filter.bucket !== undefined && filter.bucket !== "hour" && filter.bucket !== "day") {
    throw new LoopkitError(
      "INVALID_INPUT",
      `versionAggregates: bucket must be "hour" or "day" (got "${String(filter.bucket)}").`,
    );
  }
  const groupBy = filter.groupBy ?? "promptVersion";
  if (groupBy !== "promptVersion" && groupBy !== "variant") {
    throw new LoopkitError(
      "INVALID_INPUT",
      `versionAggregates: groupBy must be "promptVersion" or "variant" (got "${String(groupBy)}").`,
    );
  }
  const params = [
    projectId,
    filter.promptName ?? null,
    filter.from ?? null,
    filter.to ?? null,
    filter.tags && filter.tags.length > 0 ? filter.tags : null,
    groupBy === "variant",
    filter.experimentKey ?? null,
    filter.bucket ?? null,
  ];
  // Three statements, which PostgreSQL runs side by side on the pool's connections: counts
  // (hash-aggregated, parallel), latency percentiles (sorted) and rating counts.
  const [rows, latencies, ratings] = await Promise.all([
    db.query<AggregateRow>(AGGREGATE_SQL, params),
    db.query<LatencyRow>(LATENCY_SQL, params),
    db.query<RatingRow>(RATINGS_SQL, params),
  ]);
  const groupKey = (version: string, bucket: Date | null) => `${version}\u0000${bucket?.getTime()}`;
  const ratingCounts = new Map<string, Record<string, number>>();
  for (const row of ratings) {
    const key = groupKey(row.version, row.bucket_start);
    const counts = ratingCounts.get(key) ?? {};
    counts[String(row.rating)] = row.n;
    ratingCounts.set(key, counts);
  }
  const percentiles = new Map(
    latencies.map((row) => [groupKey(row.version, row.bucket_start), row.percentiles]),
  );
  return rows.map((row) => {
    const key = groupKey(row.version, row.bucket_start);
    const aggregate = toAggregate(row, ratingCounts.get(key) ?? {}, percentiles.get(key));
    return filter.bucket ? { ...aggregate, bucketStart: row.bucket_start! } : aggregate;
  });
}

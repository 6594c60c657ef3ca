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
  ratings: Array<[number, number]> | null;
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
  latency_p50: number | null;
  latency_p95: number | null;
}

/**
 * The whole aggregation, in SQL:
 *   requests_in  — the project's requests matching the filter, shadow runs excluded
 *   latest       — per request and feedback name, the latest feedback (by time, then id)
 *   signals      — one row per request: outcome, normalised rating, thumbs, implicit signals, flag
 *   ratings      — rating counts per version (and bucket)
 * then one row per version (and bucket). Every value is a bound parameter.
 */
const AGGREGATE_SQL = `
WITH requests_in AS (
  SELECT r.id,
         coalesce(CASE WHEN $6::boolean THEN r.variant ELSE r.prompt_version END, '${NO_VERSION}') AS version,
         date_trunc($8::text, r.ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket_start,
         r.status, r.cost_micros, r.latency_ms
  FROM requests r
  WHERE r.project_id = $1
    AND r.shadow_of IS NULL
    AND ($2::text IS NULL OR r.prompt_name = $2)
    AND ($3::timestamptz IS NULL OR r.ts >= $3)
    AND ($4::timestamptz IS NULL OR r.ts < $4)
    AND ($5::text[] IS NULL OR r.tags @> $5::text[])
    AND ($7::text IS NULL OR r.experiment_key = $7)
),
latest AS (
  SELECT DISTINCT ON (f.request_id, f.name)
         f.request_id, f.name, f.value_number, f.value_bool, f.scale_min, f.scale_max
  FROM feedback f
  WHERE f.project_id = $1
    AND f.request_id IN (SELECT id FROM requests_in)
    AND (f.name IN ('task_succeeded', 'rating', 'thumbs', 'copied', 'regenerated', 'edited',
                    'abandoned', 'flagged') OR f.name LIKE 'flag.%')
  ORDER BY f.request_id, f.name, f.ts DESC, f.id DESC
),
signals AS (
  SELECT request_id,
         bool_or(value_bool) FILTER (WHERE name = 'task_succeeded') AS outcome,
         max(CASE WHEN scale_min IS NULL OR (scale_min = 1 AND scale_max = 5) THEN value_number
                  ELSE 1 + (4 * (value_number - scale_min)) / (scale_max - scale_min) END)
           FILTER (WHERE name = 'rating') AS rating,
         bool_or(value_bool) FILTER (WHERE name = 'thumbs') AS thumbs,
         bool_or(value_bool IS DISTINCT FROM false) FILTER (WHERE name = 'copied') AS copied,
         bool_or(value_bool IS DISTINCT FROM false) FILTER (WHERE name = 'regenerated') AS regenerated,
         bool_or(value_bool IS DISTINCT FROM false) FILTER (WHERE name = 'edited') AS edited,
         bool_or(value_bool IS DISTINCT FROM false) FILTER (WHERE name = 'abandoned') AS abandoned,
         bool_or(CASE WHEN name = 'flagged' THEN value_bool IS TRUE
                      ELSE value_bool IS DISTINCT FROM false END)
           FILTER (WHERE name = 'flagged' OR name LIKE 'flag.%') AS flagged
  FROM latest
  GROUP BY request_id
),
joined AS (
  SELECT r.*, s.outcome, s.rating, s.thumbs, s.copied, s.regenerated, s.edited, s.abandoned,
         s.flagged
  FROM requests_in r LEFT JOIN signals s ON s.request_id = r.id
),
ratings AS (
  SELECT version, bucket_start, json_agg(json_build_array(rating, n) ORDER BY rating) AS ratings
  FROM (SELECT version, bucket_start, rating, count(*)::int AS n
        FROM joined WHERE rating IS NOT NULL GROUP BY version, bucket_start, rating) counted
  GROUP BY version, bucket_start
)
SELECT j.version, j.bucket_start,
       count(*)::int AS requests,
       count(*) FILTER (WHERE j.status = 'error')::int AS errors,
       count(j.outcome)::int AS outcomes,
       count(*) FILTER (WHERE j.outcome)::int AS successes,
       min(rt.ratings::text)::json AS ratings,
       count(j.thumbs)::int AS thumbs,
       count(*) FILTER (WHERE j.thumbs)::int AS thumbs_up,
       count(*) FILTER (WHERE j.copied)::int AS copied,
       count(*) FILTER (WHERE j.regenerated)::int AS regenerated,
       count(*) FILTER (WHERE j.edited)::int AS edited,
       count(*) FILTER (WHERE j.abandoned)::int AS abandoned,
       count(*) FILTER (WHERE j.flagged)::int AS flagged,
       count(j.cost_micros)::int AS costed,
       coalesce(sum(j.cost_micros::float8), 0)::float8 AS cost_sum,
       coalesce(sum(j.cost_micros::float8 * j.cost_micros::float8), 0)::float8 AS cost_sum_squares,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY j.latency_ms) AS latency_p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY j.latency_ms) AS latency_p95
FROM joined j
LEFT JOIN ratings rt
  ON rt.version = j.version AND rt.bucket_start IS NOT DISTINCT FROM j.bucket_start
GROUP BY j.version, j.bucket_start
ORDER BY j.version, j.bucket_start`;

function toAggregate(row: AggregateRow): VersionAggregate {
  const ratingCounts: Record<string, number> = {};
  for (const [rating, n] of row.ratings ?? []) ratingCounts[String(rating)] = n;
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
    latencyP50: row.latency_p50,
    latencyP95: row.latency_p95,
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
  const rows = await db.query<AggregateRow>(AGGREGATE_SQL, [
    projectId,
    filter.promptName ?? null,
    filter.from ?? null,
    filter.to ?? null,
    filter.tags && filter.tags.length > 0 ? filter.tags : null,
    groupBy === "variant",
    filter.experimentKey ?? null,
    filter.bucket ?? null,
  ]);
  return rows.map((row) =>
    filter.bucket ? { ...toAggregate(row), bucketStart: row.bucket_start! } : toAggregate(row),
  );
}

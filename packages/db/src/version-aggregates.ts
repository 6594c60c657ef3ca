import {
  LoopkitError,
  UNIT_PRODUCTS,
  type UnitProduct,
  type UnitTotal,
  type VersionAggregate,
} from "@loopkit/core";
import type { Database, Queryable } from "./database.js";

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
  /** Level of the latency percentile intervals (`latencyIntervals`); default 0.95. */
  confidence?: number;
}

/** A {@link VersionAggregate} of one time bucket, when a `bucket` was asked for. */
export type BucketedVersionAggregate = VersionAggregate & { bucketStart: Date };

/** The label of requests without a prompt version (or variant). */
export const NO_VERSION = "(none)";

/**
 * The requests counted, from `request_rollups` (one row per request holding the latest value
 * of each feedback signal, kept by insertEvents): the project's logged requests matching the
 * filter, shadow runs excluded. Every value is a bound parameter.
 */
const FROM_ROLLUPS = `
  SELECT coalesce(CASE WHEN $6::boolean THEN variant ELSE prompt_version END, '${NO_VERSION}') AS version,
         date_trunc($8::text, ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket_start,
         user_hash, is_error, outcome, rating, thumbs, copied, regenerated, edited, abandoned, flags,
         cost_micros::float8 AS cost, latency_ms
  FROM request_rollups
  WHERE project_id = $1
    AND has_request
    AND NOT shadow
    AND ($2::text IS NULL OR prompt_name = $2)
    AND ($3::timestamptz IS NULL OR ts >= $3)
    AND ($4::timestamptz IS NULL OR ts < $4)
    AND ($5::text[] IS NULL OR tags @> $5::text[])
    AND ($7::text IS NULL OR experiment_key = $7)`;

/**
 * Each unit total's level-one column and how UNITS_SQL totals it over a unit's requests. The
 * same columns are kept per user in `user_rollups` (migrations 0008, 0010), which
 * USER_TOTALS_SQL reads.
 */
const LEVEL_ONE: Record<UnitTotal, { column: string; total: string }> = {
  requests: { column: "requests", total: "count(*)" },
  errors: { column: "errors", total: "count(*) FILTER (WHERE is_error)" },
  outcomes: { column: "outcomes", total: "count(outcome)" },
  successes: { column: "successes", total: "count(*) FILTER (WHERE outcome)" },
  rated: { column: "rated", total: "count(rating)" },
  ratingSum: { column: "rating_sum", total: "coalesce(sum(rating), 0)" },
  thumbs: { column: "thumbs", total: "count(thumbs)" },
  thumbsUp: { column: "thumbs_up", total: "count(*) FILTER (WHERE thumbs)" },
  copied: { column: "copied", total: "count(*) FILTER (WHERE copied)" },
  regenerated: { column: "regenerated", total: "count(*) FILTER (WHERE regenerated)" },
  edited: { column: "edited", total: "count(*) FILTER (WHERE edited)" },
  abandoned: { column: "abandoned", total: "count(*) FILTER (WHERE abandoned)" },
  flagged: {
    column: "flagged",
    total: `count(*) FILTER (WHERE CASE WHEN flags = '{}'::jsonb THEN false
                                     ELSE loopkit_is_flagged(flags) END)`,
  },
  costed: { column: "costed", total: "count(cost)" },
  costSum: { column: "cost_sum", total: "coalesce(sum(cost), 0)" },
};

/**
 * Sums over requests without a user id that DISTRIBUTIONS_SQL adds up per version: the request-
 * level products that are not a 0/1 signal. Kept out of UNITS_SQL's per-user groups, where six
 * more aggregates in every user's group cost a fifth of its time, for values only the requests
 * without a user need.
 */
const REQUEST_SUMS = {
  request_rating_squares: "sum(rating * rating) FILTER (WHERE user_hash IS NULL)",
  request_cost_squares: "sum(cost * cost) FILTER (WHERE user_hash IS NULL)",
  request_cost_of_successes: "sum(cost) FILTER (WHERE outcome AND user_hash IS NULL)",
  request_cost_of_outcomes: "sum(cost) FILTER (WHERE outcome IS NOT NULL AND user_hash IS NULL)",
  request_costed_successes: "count(cost) FILTER (WHERE outcome AND user_hash IS NULL)",
  request_costed_outcomes: "count(cost) FILTER (WHERE outcome IS NOT NULL AND user_hash IS NULL)",
} as const;

type RequestSum = keyof typeof REQUEST_SUMS;

/**
 * For each product a·b, where Σ aᵢ·bᵢ over the requests without a user id comes from: a 0/1
 * signal times itself, or times the request count, is the signal's own level-one total; the
 * others are {@link REQUEST_SUMS}.
 */
const REQUEST_PRODUCTS: Record<UnitProduct, { total: string } | { sum: RequestSum }> = {
  "requests*requests": { total: "requests" },
  "errors*errors": { total: "errors" },
  "errors*requests": { total: "errors" },
  "copied*copied": { total: "copied" },
  "copied*requests": { total: "copied" },
  "regenerated*regenerated": { total: "regenerated" },
  "regenerated*requests": { total: "regenerated" },
  "edited*edited": { total: "edited" },
  "edited*requests": { total: "edited" },
  "abandoned*abandoned": { total: "abandoned" },
  "abandoned*requests": { total: "abandoned" },
  "flagged*flagged": { total: "flagged" },
  "flagged*requests": { total: "flagged" },
  "outcomes*outcomes": { total: "outcomes" },
  "successes*successes": { total: "successes" },
  "successes*outcomes": { total: "successes" },
  "thumbs*thumbs": { total: "thumbs" },
  "thumbsUp*thumbsUp": { total: "thumbs_up" },
  "thumbsUp*thumbs": { total: "thumbs_up" },
  "rated*rated": { total: "rated" },
  "ratingSum*ratingSum": { sum: "request_rating_squares" },
  "ratingSum*rated": { total: "rating_sum" },
  "costed*costed": { total: "costed" },
  "costSum*costSum": { sum: "request_cost_squares" },
  "costSum*costed": { total: "cost_sum" },
  "costSum*successes": { sum: "request_cost_of_successes" },
  "costSum*outcomes": { sum: "request_cost_of_outcomes" },
  "costed*successes": { sum: "request_costed_successes" },
  "costed*outcomes": { sum: "request_costed_outcomes" },
};

/**
 * Σ over users of a·b (their totals multiplied), plus for requests without a user id the 0/1
 * products (their REQUEST_SUMS are added in toAggregate).
 */
function productColumn(product: UnitProduct): string {
  const [a, b] = product.split("*") as [UnitTotal, UnitTotal];
  const source = REQUEST_PRODUCTS[product];
  const single = "total" in source ? `${source.total}::float8` : "0";
  return `sum(CASE WHEN user_hash IS NULL THEN ${single}
                ELSE ${LEVEL_ONE[a].column}::float8 * ${LEVEL_ONE[b].column}::float8 END) AS "${product}"`;
}

/** Level two: per version, the sums of the units' totals in `per_unit` and of their products. */
const SUMS_OVER_UNITS = `
SELECT version, bucket_start,
       sum(requests)::int AS requests,
       sum(errors)::int AS errors,
       sum(outcomes)::int AS outcomes,
       sum(successes)::int AS successes,
       sum(thumbs)::int AS thumbs,
       sum(thumbs_up)::int AS thumbs_up,
       sum(copied)::int AS copied,
       sum(regenerated)::int AS regenerated,
       sum(edited)::int AS edited,
       sum(abandoned)::int AS abandoned,
       sum(flagged)::int AS flagged,
       sum(costed)::int AS costed,
       sum(cost_sum)::float8 AS cost_sum,
       count(user_hash)::int AS users,
       sum(CASE WHEN user_hash IS NULL THEN requests ELSE 1 END)::int AS units,
       ${UNIT_PRODUCTS.map(productColumn).join(",\n       ")}
FROM per_unit
GROUP BY version, bucket_start
ORDER BY version, bucket_start`;

/** Level one over the rows of FROM_ROLLUPS (aliased `counted`): each unit total of a group. */
const TOTALS_OF_REQUESTS = Object.values(LEVEL_ONE)
  .map(({ column, total }) => `${total} AS ${column}`)
  .join(",\n         ");

/**
 * Counts, sums and unit moments in one scan. Level one totals each user's requests (grouped by
 * user_hash; a version's requests without a user id fall in one group); level two adds the
 * totals up per version and sums the products over units.
 */
const UNITS_SQL = `
WITH per_unit AS (
  SELECT version, bucket_start, user_hash,
         ${TOTALS_OF_REQUESTS}
  FROM (${FROM_ROLLUPS}) counted
  GROUP BY version, bucket_start, user_hash
)${SUMS_OVER_UNITS}`;

const LEVEL_ONE_COLUMNS = Object.values(LEVEL_ONE).map(({ column }) => column);

/**
 * Each user's totals of a prompt's versions as they stand: kept in `user_rollups` plus the
 * changes appended to `user_rollup_changes` since the last fold (migration 0010), users whose
 * totals come to no requests left out. Kept rows without pending changes are read as they are;
 * a user with pending changes is added up from them and their kept row, if any.
 */
const CURRENT_USER_TOTALS = `
  pending AS (
    SELECT prompt_version, user_hash,
           ${LEVEL_ONE_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(", ")}
    FROM user_rollup_changes
    WHERE project_id = $1 AND prompt_name = $2
    GROUP BY prompt_version, user_hash
  ),
  user_totals AS (
    SELECT k.prompt_version, k.user_hash,
           ${LEVEL_ONE_COLUMNS.map((c) => `k.${c} + coalesce(p.${c}, 0) AS ${c}`).join(", ")}
    FROM user_rollups k
    LEFT JOIN pending p ON p.prompt_version = k.prompt_version AND p.user_hash = k.user_hash
    WHERE k.project_id = $1 AND k.prompt_name = $2
    UNION ALL
    SELECT * FROM pending p
    WHERE NOT EXISTS (
      SELECT 1 FROM user_rollups k
      WHERE k.project_id = $1 AND k.prompt_name = $2
        AND k.prompt_version = p.prompt_version AND k.user_hash = p.user_hash)
  )`;

/**
 * UNITS_SQL for a prompt's versions without other filters or groupings: level one read from the
 * users' totals kept since ingest ({@link CURRENT_USER_TOTALS}) instead of grouping every request
 * by user, plus the requests without a user id totalled from the rollups as UNITS_SQL does. Its
 * parameters are UNITS_SQL's.
 */
const USER_TOTALS_SQL = `
WITH ${CURRENT_USER_TOTALS},
per_unit AS (
  SELECT prompt_version AS version, NULL::timestamptz AS bucket_start, user_hash,
         ${LEVEL_ONE_COLUMNS.map((c) => `${c}::float8 AS ${c}`).join(", ")}
  FROM user_totals
  WHERE requests > 0
  UNION ALL
  SELECT version, bucket_start, NULL,
         ${TOTALS_OF_REQUESTS}
  FROM (${FROM_ROLLUPS}) counted
  WHERE user_hash IS NULL
  GROUP BY version, bucket_start
)${SUMS_OVER_UNITS}`;

/** The q-percentile of a group's sorted latencies as percentile_cont computes it (1-based). */
function percentileOf(q: string): string {
  const h = `(${q} * (n - 1)::float8)`;
  const at = `(floor(${h})::int + 1)`;
  return `sorted[${at}] + (${h} - floor(${h})) * (sorted[least(${at} + 1, n::int)] - sorted[${at}])`;
}

/**
 * Latency percentiles with their intervals, the rating histogram (whole stars counted as they
 * pass, other normalised values grouped from an array), Σ cost² and the REQUEST_SUMS, in one more
 * scan. Each
 * group's latencies are sorted once (a small in-memory sort per group, not one external sort of
 * every row by group) and read at the percentiles' ranks, h = (n − 1)·q interpolated like
 * percentile_cont, and at the interval ranks of loopkit_quantile_ranks (migration 0007); `$9` is
 * the interval level.
 */
const DISTRIBUTIONS_SQL = `
SELECT version, bucket_start,
       ARRAY[${percentileOf("0.5")}, ${percentileOf("0.95")}] AS percentiles,
       ARRAY[sorted[r50[1]], sorted[r50[2]], sorted[r95[1]], sorted[r95[2]]] AS bounds,
       (SELECT jsonb_object_agg(value, n)
        FROM (SELECT value, n FROM (VALUES ('1', r1), ('2', r2), ('3', r3), ('4', r4), ('5', r5))
                AS whole(value, n) WHERE n > 0
              UNION ALL
              SELECT rating::text, count(*) FROM unnest(other_ratings) rating GROUP BY rating) h)
         AS rating_counts,
       cost_sum_squares, ${Object.keys(REQUEST_SUMS).join(", ")}
FROM (SELECT version, bucket_start,
             array_agg(latency_ms) FILTER (WHERE latency_ms IS NOT NULL) AS latencies,
             count(*) FILTER (WHERE rating = 1) AS r1,
             count(*) FILTER (WHERE rating = 2) AS r2,
             count(*) FILTER (WHERE rating = 3) AS r3,
             count(*) FILTER (WHERE rating = 4) AS r4,
             count(*) FILTER (WHERE rating = 5) AS r5,
             array_agg(rating) FILTER (WHERE rating NOT IN (1, 2, 3, 4, 5)) AS other_ratings,
             coalesce(sum(cost * cost), 0)::float8 AS cost_sum_squares,
             ${Object.entries(REQUEST_SUMS)
               .map(([name, sum]) => `coalesce(${sum}, 0)::float8 AS ${name}`)
               .join(",\n             ")}
      FROM (${FROM_ROLLUPS}) measured
      GROUP BY version, bucket_start) grouped,
LATERAL (SELECT array_agg(x ORDER BY x) AS sorted, count(*) AS n FROM unnest(latencies) x) s,
LATERAL (SELECT CASE WHEN n > 0 THEN loopkit_quantile_ranks(n, 0.5, $9::float8) END AS r50,
                CASE WHEN n > 0 THEN loopkit_quantile_ranks(n, 0.95, $9::float8) END AS r95) r`;

type UnitsRow = Record<UnitProduct, number> & {
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
  users: number;
  units: number;
};

type DistributionsRow = {
  version: string;
  bucket_start: Date | null;
  percentiles: [number | null, number | null];
  bounds: [number | null, number | null, number | null, number | null];
  rating_counts: Record<string, number> | null;
  cost_sum_squares: number;
} & Record<RequestSum, number>;

function toAggregate(
  row: UnitsRow,
  distributions: DistributionsRow | undefined,
  confidence: number,
): VersionAggregate {
  const products = {} as Record<UnitProduct, number>;
  for (const product of UNIT_PRODUCTS) {
    const source = REQUEST_PRODUCTS[product];
    products[product] = row[product] + ("sum" in source ? (distributions?.[source.sum] ?? 0) : 0);
  }
  const [p50, p95] = distributions?.percentiles ?? [null, null];
  const bounds = distributions?.bounds;
  return {
    version: row.version,
    requests: row.requests,
    errors: row.errors,
    outcomes: row.outcomes,
    successes: row.successes,
    ratingCounts: distributions?.rating_counts ?? {},
    thumbs: row.thumbs,
    thumbsUp: row.thumbs_up,
    copied: row.copied,
    regenerated: row.regenerated,
    edited: row.edited,
    abandoned: row.abandoned,
    flagged: row.flagged,
    costed: row.costed,
    costMicrosSum: row.cost_sum,
    costMicrosSumSquares: distributions?.cost_sum_squares ?? 0,
    latencyP50: p50,
    latencyP95: p95,
    latencyIntervals:
      p50 === null || !bounds
        ? null
        : {
            confidence,
            p50: { lower: bounds[0], upper: bounds[1] },
            p95: { lower: bounds[2], upper: bounds[3] },
          },
    unitMoments: { unit: row.users > 0 ? "user" : "request", units: row.units, products },
  };
}

/**
 * Runs one aggregation statement. On a {@link Database} it runs in its own short transaction
 * with settings measured on 1M feedback rows (250,000 requests, 62,500 users): JIT off
 * (compiling took 0.7 s of a 3 s per-user aggregation and saved less), no parallel workers (the
 * two statements already run side by side, and workers each built most users' groups for the
 * leader to merge again: 1.9 s against 0.9 s serial) and 32 MB of work_mem (per-user hash
 * tables stay in memory instead of an external sort). Inside a caller's transaction it runs as
 * given.
 */
async function aggregation<T>(db: Queryable, sql: string, params: unknown[]): Promise<T[]> {
  if (typeof (db as Partial<Database>).transaction !== "function") return db.query<T>(sql, params);
  return (db as Database).transaction(async (tx) => {
    await tx.query(
      `SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true),
              set_config('max_parallel_workers_per_gather', '0', true)`,
      [],
    );
    return tx.query<T>(sql, params);
  });
}

/**
 * Counts and sums per prompt version (or experiment variant), computed in SQL as
 * `VersionAggregate` defines them: shadow runs excluded, each request counted once per signal
 * with its latest feedback of each name, ratings normalised to 1–5, requests without a version
 * grouped under "(none)"; unit moments per user (hashed user id; a request without one is its own
 * unit); latency percentiles with distribution-free intervals at `confidence`. With `bucket`,
 * one row per version and UTC hour or day.
 *
 * @throws {LoopkitError} `INVALID_INPUT` for an unknown `bucket` or `groupBy`, or a `confidence`
 * outside (0, 1).
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
  const confidence = filter.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `versionAggregates: confidence must lie between 0 and 1 (got ${confidence}); pass e.g. 0.95.`,
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
  // Two statements, which PostgreSQL runs side by side on the pool's connections: counts with
  // unit moments (per user, then per version), and latencies with ratings (sorted per group).
  // Each user's totals are read as kept (user_rollups plus pending changes) when they are totals of the requests asked
  // for: all of one prompt's, grouped by version (every parameter after the prompt unset, so a
  // filter added later falls back to the general statement).
  const wholePrompt =
    params[1] !== null && params.slice(2).every((value) => value === null || value === false);
  const [rows, distributions] = await Promise.all([
    aggregation<UnitsRow>(db, wholePrompt ? USER_TOTALS_SQL : UNITS_SQL, params),
    aggregation<DistributionsRow>(db, DISTRIBUTIONS_SQL, [...params, confidence]),
  ]);
  const groupKey = (version: string, bucket: Date | null) => `${version}\u0000${bucket?.getTime()}`;
  const byGroup = new Map(
    distributions.map((row) => [groupKey(row.version, row.bucket_start), row]),
  );
  return rows.map((row) => {
    const aggregate = toAggregate(
      row,
      byGroup.get(groupKey(row.version, row.bucket_start)),
      confidence,
    );
    return filter.bucket ? { ...aggregate, bucketStart: row.bucket_start! } : aggregate;
  });
}

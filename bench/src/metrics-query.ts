import {
  createDatabase,
  createProject,
  type Database,
  maintainPartitions,
  migrate,
  versionAggregates,
} from "@loopkit/db";
import { compareVersions } from "@loopkit/metrics";
import { median } from "./percentile.js";

/** `compareVersions` over a number of feedback rows, beside a bare count of those rows. */
export interface MetricsQueryTiming {
  feedbackRows: number;
  requests: number;
  /** `versionAggregates` (SQL) + `compareVersions` (JS), median of the timed runs. */
  compareVersionsMs: number;
  /** `SELECT count(*)` of the project's feedback rows, median of the timed runs. */
  countMs: number;
  /** How many versions were compared, and the verdicts found (a check the work was done). */
  versions: number;
  seedSeconds: number;
}

/** Feedback rows per request: a rating, a thumbs, a task outcome and a copy signal. */
const SIGNALS_PER_REQUEST = 4;
const PROMPT = "support-answer";

/**
 * Adds requests `from`..`to` (1-based, inclusive) to the project in SQL with generate_series,
 * each with four feedback rows, spread over the last ~23 days (so over the monthly partitions),
 * in four prompt versions; then rolls them up as `insertEvents` does: the requests' rows of
 * `request_rollups`, and their feedback folded in by the schema's own
 * `loopkit_rollup_feedback`. One transaction per chunk of 250,000 requests.
 */
async function seed(db: Database, projectId: string, from: number, to: number): Promise<void> {
  const CHUNK = 250_000;
  for (let lo = from; lo <= to; lo += CHUNK) {
    const hi = Math.min(to, lo + CHUNK - 1);
    await db.transaction(async (tx) => {
      await tx.query(
        "CREATE TEMP TABLE bench_new_requests (id uuid, ts timestamptz) ON COMMIT DROP",
      );
      await tx.query(
        `WITH added AS (
           INSERT INTO requests (project_id, ts, id, prompt_name, prompt_version, model, status,
                                 cost_micros, latency_ms, tags)
           SELECT $1, now() - (g % 2000000) * interval '1 second', gen_random_uuid(), $4,
                  'v' || (g % 4), 'gpt-4o-mini', CASE WHEN g % 40 = 0 THEN 'error' ELSE 'ok' END,
                  200 + g % 500, 300 + (g * 7919) % 2000, '{prod}'
           FROM generate_series($2::int, $3::int) g
           RETURNING id, ts)
         INSERT INTO bench_new_requests SELECT id, ts FROM added`,
        [projectId, lo, hi, PROMPT],
      );
      await tx.query(
        `INSERT INTO request_rollups (project_id, request_id, has_request, ts, prompt_name,
           prompt_version, tags, is_error, cost_micros, latency_ms)
         SELECT r.project_id, r.id, true, r.ts, r.prompt_name, r.prompt_version, r.tags,
           r.status = 'error', r.cost_micros, r.latency_ms
         FROM bench_new_requests n JOIN requests r ON r.project_id = $1 AND r.ts = n.ts AND r.id = n.id`,
        [projectId],
      );
      await tx.query(
        `INSERT INTO feedback (project_id, ts, id, request_id, kind, name, value_number, value_bool)
         SELECT $1, n.ts + interval '1 minute', gen_random_uuid(), n.id, s.kind, s.name,
                CASE WHEN s.name = 'rating' THEN 1 + (abs(hashtext(n.id::text)) % 5) END,
                CASE WHEN s.name IN ('thumbs', 'task_succeeded')
                     THEN hashtext(n.id::text || s.name) % 3 <> 0 END
         FROM bench_new_requests n
         CROSS JOIN (VALUES ('explicit', 'rating'), ('explicit', 'thumbs'),
                            ('outcome', 'task_succeeded'), ('implicit', 'copied')) AS s(kind, name)`,
        [projectId],
      );
      await tx.query(
        `SELECT loopkit_rollup_feedback($1, array_agg(f.request_id), array_agg(f.name),
           array_agg(f.ts), array_agg(f.id), array_agg(f.value_number), array_agg(f.value_bool),
           array_agg(f.scale_min), array_agg(f.scale_max))
         FROM bench_new_requests n
         JOIN feedback f ON f.project_id = $1 AND f.request_id = n.id`,
        [projectId],
      );
    });
  }
  for (const table of ["requests", "feedback", "request_rollups"]) {
    await db.query(`ANALYZE ${table}`);
  }
}

async function timed(rounds: number, fn: () => Promise<void>): Promise<number> {
  await fn(); // warm the cache
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times)!;
}

/**
 * On a fresh schema at `url`: for each size in `feedbackSizes` (ascending), grows one project to
 * that many feedback rows (a quarter as many requests) and times `compareVersions` over
 * `versionAggregates` of the prompt against a bare `SELECT count(*)` of the same feedback rows.
 */
export async function measureMetricsQueries(
  url: string,
  feedbackSizes: readonly number[],
  rounds: number,
): Promise<MetricsQueryTiming[]> {
  const db = await createDatabase({ url, poolSize: 4 });
  try {
    await migrate(db);
    // Monthly partitions for the seeded ~23 days back, as a live deployment has them.
    await maintainPartitions(db, { now: new Date(Date.now() - 40 * 86_400_000), monthsAhead: 3 });
    const projectId = (await createProject(db, { name: "bench-metrics" })).id;
    const results: MetricsQueryTiming[] = [];
    let requests = 0;
    for (const feedbackRows of feedbackSizes) {
      const target = Math.ceil(feedbackRows / SIGNALS_PER_REQUEST);
      const seedStart = performance.now();
      if (target > requests) await seed(db, projectId, requests + 1, target);
      const seedSeconds = (performance.now() - seedStart) / 1000;
      requests = target;
      let versions = 0;
      const compareVersionsMs = await timed(rounds, async () => {
        const aggregates = await versionAggregates(db, projectId, { promptName: PROMPT });
        const counted = aggregates.reduce((n, a) => n + a.requests, 0);
        if (counted !== requests) {
          throw new Error(`bench: versionAggregates counted ${counted} requests of ${requests}`);
        }
        versions = compareVersions(aggregates).versions.length;
      });
      let counted = 0;
      const countMs = await timed(rounds, async () => {
        const [row] = await db.query<{ n: string }>(
          "SELECT count(*) AS n FROM feedback WHERE project_id = $1",
          [projectId],
        );
        counted = Number(row!.n);
      });
      if (counted !== requests * SIGNALS_PER_REQUEST) {
        throw new Error(
          `bench: ${counted} feedback rows, expected ${requests * SIGNALS_PER_REQUEST}`,
        );
      }
      results.push({
        feedbackRows: counted,
        requests,
        compareVersionsMs,
        countMs,
        versions,
        seedSeconds,
      });
    }
    return results;
  } finally {
    await db.close();
  }
}

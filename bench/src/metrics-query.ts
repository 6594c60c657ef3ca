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
 * A UUIDv7-shaped id for the `g`-th seeded row at `ts` (SQL expression): 48 bits of Unix ms,
 * version 7, variant 8, then `g`, as the SDK's time-ordered ids are; unique per `g` and `salt`
 * (0 for requests, the signal's number for feedback).
 */
function uuidV7Sql(ts: string, g: string, salt: string): string {
  return `(lpad(to_hex((extract(epoch FROM ${ts}) * 1000)::bigint), 12, '0') || '7' || lpad(to_hex(${salt}), 3, '0') || '8' || lpad(to_hex(${g}), 15, '0'))::uuid`;
}

/**
 * Adds requests `from`..`to` (1-based, inclusive) to the project in SQL with generate_series,
 * each with four feedback rows (a rating, a thumbs, a task outcome, a copy), spread over the
 * last ~23 days (so over the monthly partitions), in four prompt versions, with time-ordered
 * (UUIDv7-shaped) ids as the SDK makes them. Each request's `request_rollups` row is written
 * complete, with the values of its four feedback rows: the state `insertEvents` leaves (checked
 * against the feedback table by {@link checkRollups}). One transaction per chunk of 250,000
 * requests, two chunks at a time.
 */
async function seed(db: Database, projectId: string, from: number, to: number): Promise<void> {
  const CHUNK = 250_000;
  const chunks: Array<[number, number]> = [];
  for (let lo = from; lo <= to; lo += CHUNK) chunks.push([lo, Math.min(to, lo + CHUNK - 1)]);
  // Two connections at once, one per core of the benchmark machine.
  const worker = async () => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift())
      await seedChunk(db, projectId, ...chunk);
  };
  await Promise.all([worker(), worker()]);
  for (const table of ["requests", "feedback", "request_rollups"]) {
    await db.query(`ANALYZE ${table}`);
  }
}

/** Seeds requests `lo`..`hi` with their feedback and rollups in one transaction. */
async function seedChunk(db: Database, projectId: string, lo: number, hi: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `CREATE TEMP TABLE bench_new_requests ON COMMIT DROP AS
         SELECT g, ts, ${uuidV7Sql("ts", "g", "0")} AS id
         FROM (SELECT g, date_trunc('milliseconds', now()) - (g % 2000000) * interval '1 second' AS ts
               FROM generate_series($1::bigint, $2::bigint) g) s`,
      [lo, hi],
    );
    await tx.query(
      `INSERT INTO requests (project_id, ts, id, prompt_name, prompt_version, model, status,
                               cost_micros, latency_ms, tags)
         SELECT $1, ts, id, $2, 'v' || (g % 4), 'gpt-4o-mini',
                CASE WHEN g % 40 = 0 THEN 'error' ELSE 'ok' END, 200 + g % 500,
                300 + (g * 7919) % 2000, '{prod}'
         FROM bench_new_requests`,
      [projectId, PROMPT],
    );
    await tx.query(
      `INSERT INTO feedback (project_id, ts, id, request_id, kind, name, value_number, value_bool)
         SELECT $1, n.ts + interval '1 minute', ${uuidV7Sql("n.ts + interval '1 minute'", "n.g", "s.k")}, n.id, s.kind, s.name,
                CASE WHEN s.name = 'rating' THEN ${RATING} END,
                CASE WHEN s.name = 'thumbs' THEN ${THUMBS}
                     WHEN s.name = 'task_succeeded' THEN ${OUTCOME} END
         FROM bench_new_requests n
         CROSS JOIN (VALUES (1, 'explicit', 'rating'), (2, 'explicit', 'thumbs'),
                            (3, 'outcome', 'task_succeeded'), (4, 'implicit', 'copied'))
                      AS s(k, kind, name)`,
      [projectId],
    );
    await tx.query(
      `INSERT INTO request_rollups (project_id, request_id, has_request, ts, prompt_name,
           prompt_version, tags, is_error, cost_micros, latency_ms, outcome, outcome_ts, rating,
           rating_ts, thumbs, thumbs_ts, copied, copied_ts)
         SELECT $1, n.id, true, n.ts, $2, 'v' || (n.g % 4), '{prod}', n.g % 40 = 0, 200 + n.g % 500,
           300 + (n.g * 7919) % 2000, ${OUTCOME}, n.ts + interval '1 minute', ${RATING},
           n.ts + interval '1 minute', ${THUMBS}, n.ts + interval '1 minute', true,
           n.ts + interval '1 minute'
         FROM bench_new_requests n`,
      [projectId, PROMPT],
    );
  });
}

/** The seeded feedback values, as SQL of the request's `n.g` (so rollups can repeat them). */
const RATING = "(1 + n.g % 5)::float8";
const THUMBS = "(n.g % 3 <> 0)";
const OUTCOME = "(n.g % 7 <> 0)";

/**
 * Checks the seeded rollups hold what the feedback table says, signal by signal (counts of
 * ratings and their sum, thumbs up, successes, copies), so the timed query reads the same
 * numbers it would after real ingestion.
 *
 * @throws {Error} naming the first signal that differs.
 */
async function checkRollups(db: Database, projectId: string): Promise<void> {
  const [fromFeedback] = await db.query<Record<string, string>>(
    `SELECT count(*) FILTER (WHERE name = 'rating') AS ratings,
            sum(value_number) FILTER (WHERE name = 'rating') AS rating_sum,
            count(*) FILTER (WHERE name = 'thumbs' AND value_bool) AS thumbs_up,
            count(*) FILTER (WHERE name = 'task_succeeded' AND value_bool) AS successes,
            count(*) FILTER (WHERE name = 'copied') AS copies
     FROM feedback WHERE project_id = $1`,
    [projectId],
  );
  const [fromRollups] = await db.query<Record<string, string>>(
    `SELECT count(rating) AS ratings, sum(rating) AS rating_sum,
            count(*) FILTER (WHERE thumbs) AS thumbs_up, count(*) FILTER (WHERE outcome) AS successes,
            count(*) FILTER (WHERE copied) AS copies
     FROM request_rollups WHERE project_id = $1`,
    [projectId],
  );
  for (const key of Object.keys(fromFeedback!)) {
    if (Number(fromFeedback![key]) !== Number(fromRollups![key])) {
      throw new Error(
        `bench: seeded rollups disagree with the feedback rows on ${key}: ${fromRollups![key]} vs ${fromFeedback![key]}`,
      );
    }
  }
}

/**
 * Makes the tables the seed writes UNLOGGED (every partition of requests and feedback, and the
 * rollups): the same columns, partitions and indexes, without writing the rows twice through the
 * write-ahead log. The scratch database is read, never recovered, so durability is not needed,
 * and reads of an unlogged table take the same plan and pages as of a logged one.
 */
async function skipWriteAheadLog(db: Database): Promise<void> {
  const tables = await db.query<{ name: string }>(
    `SELECT c.oid::regclass::text AS name
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent IN ('requests'::regclass, 'feedback'::regclass)
     UNION ALL SELECT 'request_rollups'`,
  );
  for (const { name } of tables) await db.query(`ALTER TABLE ${name} SET UNLOGGED`);
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
    await skipWriteAheadLog(db);
    const projectId = (await createProject(db, { name: "bench-metrics" })).id;
    const results: MetricsQueryTiming[] = [];
    let requests = 0;
    for (const feedbackRows of feedbackSizes) {
      const target = Math.ceil(feedbackRows / SIGNALS_PER_REQUEST);
      const seedStart = performance.now();
      if (target > requests) await seed(db, projectId, requests + 1, target);
      await checkRollups(db, projectId);
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

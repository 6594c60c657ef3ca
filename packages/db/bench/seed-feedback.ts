/**
 * Seeding for the aggregation benchmarks (this package's and the repository's `pnpm bench`):
 * requests with their feedback and rollups, written in SQL with generate_series, in the state
 * `insertEvents` leaves them.
 */
import { type Database, foldUserRollups, type Queryable } from "../src/index.js";

/** Feedback rows per seeded request: a rating, a thumbs, a task outcome and a copy signal. */
export const SIGNALS_PER_REQUEST = 4;

/** The prompt every seeded request belongs to. */
export const SEEDED_PROMPT = "support-answer";

/** Requests seeded per transaction. */
const CHUNK = 250_000;

/**
 * A UUIDv7-shaped id for the `g`-th seeded row at `ts` (SQL expression): 48 bits of Unix ms,
 * version 7, variant 8, then `g`, as the SDK's time-ordered ids are; unique per `g` and `salt`
 * (0 for requests, the signal's number for feedback).
 */
function uuidV7Sql(ts: string, g: string, salt: string): string {
  return `(lpad(to_hex((extract(epoch FROM ${ts}) * 1000)::bigint), 12, '0') || '7' || lpad(to_hex(${salt}), 3, '0') || '8' || lpad(to_hex(${g}), 15, '0'))::uuid`;
}

/** The seeded feedback values, as SQL of the request's `n.g` (so rollups can repeat them). */
const RATING = "(1 + n.g % 5)::float8";
const THUMBS = "(n.g % 3 <> 0)";
const OUTCOME = "(n.g % 7 <> 0)";

/** Options of {@link seedFeedback}. */
export interface SeedOptions {
  /**
   * Hashed user ids on the requests, this many distinct users (a multiple of 4, so each user
   * stays within one of the four versions); none when absent.
   */
  users?: number;
}

/**
 * Adds requests `from`..`to` (1-based, inclusive) to the project, each with four feedback rows
 * (a rating, a thumbs, a task outcome, a copy), spread over the last ~23 days (so over the
 * monthly partitions: make them first), in four prompt versions, with time-ordered
 * (UUIDv7-shaped) ids as the SDK makes them. Each request's `request_rollups` row is written
 * complete with the values of its four feedback rows, the state `insertEvents` leaves (check it
 * with {@link checkRollups}), and the per-user totals folded. One transaction per 250,000
 * requests, two at a time; then ANALYZE.
 *
 * @returns the requests added.
 */
export async function seedFeedback(
  db: Database,
  projectId: string,
  from: number,
  to: number,
  options: SeedOptions = {},
): Promise<number> {
  const users = options.users ?? null;
  if (users !== null && !(Number.isInteger(users) && users >= 4 && users % 4 === 0)) {
    throw new Error(`bench: users must be a whole multiple of 4 (got ${users})`);
  }
  const chunks: Array<[number, number]> = [];
  for (let lo = from; lo <= to; lo += CHUNK) chunks.push([lo, Math.min(to, lo + CHUNK - 1)]);
  // Two connections at once, one per core of the benchmark machine.
  const worker = async () => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
      await db.transaction((tx) => seedChunk(tx, projectId, chunk[0], chunk[1], users));
    }
  };
  await Promise.all([worker(), worker()]);
  // The per-user changes the rollups' trigger appended, folded as maintenance would within
  // seconds (DEFAULT_FOLD_INTERVAL_MS).
  await foldUserRollups(db);
  for (const table of ["requests", "feedback", "request_rollups", "user_rollups"]) {
    await db.query(`ANALYZE ${table}`, []);
  }
  return Math.max(0, to - from + 1);
}

/** Seeds requests `lo`..`hi` with their feedback and rollups, in the transaction `tx`. */
async function seedChunk(
  tx: Queryable,
  projectId: string,
  lo: number,
  hi: number,
  users: number | null,
): Promise<void> {
  await tx.query(
    `CREATE TEMP TABLE bench_new_requests ON COMMIT DROP AS
       SELECT g, ts, ${uuidV7Sql("ts", "g", "0")} AS id,
              CASE WHEN $3::int IS NOT NULL THEN md5('user' || (g % $3::int)) END AS user_hash
       FROM (SELECT g, date_trunc('milliseconds', now()) - (g % 2000000) * interval '1 second' AS ts
             FROM generate_series($1::bigint, $2::bigint) g) s`,
    [lo, hi, users],
  );
  await tx.query(
    `INSERT INTO requests (project_id, ts, id, prompt_name, prompt_version, model, status,
                             cost_micros, latency_ms, tags, user_hash)
       SELECT $1, ts, id, $2, 'v' || (g % 4), 'gpt-4o-mini',
              CASE WHEN g % 40 = 0 THEN 'error' ELSE 'ok' END, 200 + g % 500,
              300 + (g * 7919) % 2000, '{prod}', user_hash
       FROM bench_new_requests`,
    [projectId, SEEDED_PROMPT],
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
         prompt_version, tags, is_error, cost_micros, latency_ms, user_hash, outcome, outcome_ts,
         rating, rating_ts, thumbs, thumbs_ts, copied, copied_ts)
       SELECT $1, n.id, true, n.ts, $2, 'v' || (n.g % 4), '{prod}', n.g % 40 = 0, 200 + n.g % 500,
         300 + (n.g * 7919) % 2000, n.user_hash, ${OUTCOME}, n.ts + interval '1 minute', ${RATING},
         n.ts + interval '1 minute', ${THUMBS}, n.ts + interval '1 minute', true,
         n.ts + interval '1 minute'
       FROM bench_new_requests n`,
    [projectId, SEEDED_PROMPT],
  );
}

/**
 * Checks the seeded rollups hold what the feedback table says, signal by signal (counts of
 * ratings and their sum, thumbs up, successes, copies), so a timed query reads the same
 * numbers it would after real ingestion.
 *
 * @throws {Error} naming the first signal that differs.
 */
export async function checkRollups(db: Queryable, projectId: string): Promise<void> {
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
 * Makes the tables the seed writes UNLOGGED (every partition of requests and feedback, the
 * rollups, the per-user changes their trigger appends and the totals they are folded into): the
 * same columns, partitions and indexes, without writing the rows twice through the write-ahead
 * log. For a scratch database that is read, never recovered: reads of an unlogged
 * table take the same plan and pages as of a logged one.
 */
export async function skipWriteAheadLog(db: Queryable): Promise<void> {
  const tables = await db.query<{ name: string }>(
    `SELECT c.oid::regclass::text AS name
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent IN ('requests'::regclass, 'feedback'::regclass)
     UNION ALL SELECT 'request_rollups' UNION ALL SELECT 'user_rollups'
     UNION ALL SELECT 'user_rollup_changes'`,
    [],
  );
  for (const { name } of tables) await db.query(`ALTER TABLE ${name} SET UNLOGGED`, []);
}

/** The project's feedback rows, counted by PostgreSQL: the floor of reading them. */
export async function countFeedbackRows(db: Queryable, projectId: string): Promise<number> {
  const [row] = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM feedback WHERE project_id = $1",
    [projectId],
  );
  return Number(row!.n);
}

/** The project's rollups of one prompt, counted by PostgreSQL: the floor of reading them. */
export async function countRollups(db: Queryable, projectId: string): Promise<number> {
  const [row] = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM request_rollups WHERE project_id = $1 AND prompt_name = $2",
    [projectId, SEEDED_PROMPT],
  );
  return Number(row!.n);
}

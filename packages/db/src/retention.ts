/**
 * Retention, in three stages:
 *   1. drop    — whole monthly partitions of requests and feedback that every project with rows
 *                in them no longer needs (a metadata operation, however many rows)
 *   2. delete  — the remaining expired rows of each project with a retention, in bounded
 *                batches of short transactions, so locks are held briefly: events, their
 *                rollups, and what was made from events (shadow results, judge cache entries,
 *                evaluation runs with their items, which copy logged inputs and outputs)
 *   3. drop    — again, for partitions the deletes emptied
 *   4. fold    — the deleted rollups out of the per-user totals (see foldUserRollups)
 *
 * A project's configuration — the project, its keys, prompt versions, experiments, approvals and
 * its append-only audit log — is not event data and is kept.
 */
import { LoopkitError } from "@loopkit/core";
import type { Database, Queryable } from "./database.js";
import { foldUserRollups } from "./user-rollup-fold.js";

/** Options of {@link applyRetention}. */
export interface RetentionOptions {
  /** The time retention is measured from (default: now). */
  now?: Date;
  /** Rows deleted per statement (default 5000). */
  batchSize?: number;
}

/** What {@link applyRetention} removed. */
export interface RetentionResult {
  /** Partitions dropped whole, by name. */
  droppedPartitions: string[];
  /** Rows deleted one batch at a time, by table. */
  deleted: { requests: number; feedback: number; exposures: number };
  /** Rows of `request_rollups` (one per request) deleted with them. */
  rollups: number;
  /**
   * Rows made from events, deleted once older than the retention too: shadow results and judge
   * cache entries by when they were made, evaluation runs (with their items) by when they
   * finished, or were made if they never ran. A run executing now is left to finish.
   */
  derived: {
    shadowResults: number;
    judgeCache: number;
    evaluationRuns: number;
    evaluationItems: number;
  };
}

const PARTITION_NAME = /^(requests|feedback)_p(\d{4})_(\d{2})$/;

/** Quotes a partition name read from the catalog (checked against its pattern first). */
function partitionIdentifier(name: string): string {
  if (!PARTITION_NAME.test(name)) throw new Error(`unexpected partition name ${name}`);
  return `"${name}"`;
}

async function monthlyPartitions(db: Queryable): Promise<Array<{ name: string; end: Date }>> {
  const rows = await db.query<{ name: string }>(
    `SELECT c.relname AS name
     FROM pg_inherits i
     JOIN pg_class c ON c.oid = i.inhrelid
     JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname IN ('requests', 'feedback') AND p.relnamespace = c.relnamespace
       AND p.relnamespace = to_regnamespace(current_schema())::oid
     ORDER BY c.relname`,
    [],
  );
  const partitions: Array<{ name: string; end: Date }> = [];
  for (const { name } of rows) {
    const match = PARTITION_NAME.exec(name);
    if (!match) continue;
    partitions.push({ name, end: new Date(Date.UTC(Number(match[2]), Number(match[3]), 1)) });
  }
  return partitions;
}

/**
 * Whether some project still needs rows of the partition ending at `end`: a project keeping
 * events forever, or whose retention reaches past `end`, that has rows in it.
 */
async function partitionNeeded(
  db: Queryable,
  name: string,
  end: Date,
  now: Date,
): Promise<boolean> {
  const [row] = await db.query<{ needed: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM projects p
       WHERE NOT (p.retention_days IS NOT NULL
                  AND $1::timestamptz <= $2::timestamptz - make_interval(days => p.retention_days))
         AND EXISTS (SELECT 1 FROM ${partitionIdentifier(name)} t WHERE t.project_id = p.id)
     ) AS needed`,
    [end, now],
  );
  return row?.needed ?? true;
}

/** Drops every monthly partition that ended before `now` and no project needs, noting its name. */
async function dropUnneededPartitions(db: Database, now: Date, dropped: string[]): Promise<void> {
  for (const partition of await monthlyPartitions(db)) {
    if (partition.end > now) continue;
    // Locked before the check, so no event can land in it between the check and the drop.
    const gone = await db.transaction(async (tx) => {
      await tx.query(
        `LOCK TABLE ${partitionIdentifier(partition.name)} IN ACCESS EXCLUSIVE MODE`,
        [],
      );
      if (await partitionNeeded(tx, partition.name, partition.end, now)) return false;
      await tx.query(`DROP TABLE ${partitionIdentifier(partition.name)}`, []);
      return true;
    });
    if (gone) dropped.push(partition.name);
  }
}

const DELETE_ROLLUPS = `WITH doomed AS (
    SELECT request_id FROM request_rollups WHERE project_id = $1 AND ts < $2 LIMIT $3
  ), gone AS (
    DELETE FROM request_rollups t USING doomed d
    WHERE t.project_id = $1 AND t.request_id = d.request_id
    RETURNING 1
  )
  SELECT count(*)::int AS n FROM gone`;

const DELETE_BATCH: Record<keyof RetentionResult["deleted"], string> = Object.fromEntries(
  (["requests", "feedback", "exposures"] as const).map((table) => [
    table,
    `WITH doomed AS (
       SELECT ts, id FROM ${table} WHERE project_id = $1 AND ts < $2 LIMIT $3
     ), gone AS (
       DELETE FROM ${table} t USING doomed d
       WHERE t.project_id = $1 AND t.ts = d.ts AND t.id = d.id
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM gone`,
  ]),
) as Record<keyof RetentionResult["deleted"], string>;

/** Deletes up to $3 rows of one project ($1) made before $2, by their primary key. */
function deleteMadeBefore(table: string, key: string): string {
  return `WITH doomed AS (
       SELECT ${key} FROM ${table} WHERE project_id = $1 AND created_at < $2 LIMIT $3
     ), gone AS (
       DELETE FROM ${table} t USING doomed d
       WHERE t.project_id = $1 AND t.${key} = d.${key}
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM gone`;
}

const DELETE_DERIVED = {
  shadowResults: deleteMadeBefore("shadow_results", "shadow_request_id"),
  judgeCache: deleteMadeBefore("judge_cache", "cache_key"),
};

/**
 * Deletes one expired evaluation run of project $1 (ended, or made if it never ran, before $2;
 * not running now) with its items, in one statement, so a run never loses only some items.
 * A run locked by its executor at that moment is skipped until the next pass.
 */
const DELETE_EVALUATION_RUN = `WITH doomed AS (
    SELECT id FROM evaluation_runs
    WHERE project_id = $1 AND status <> 'running' AND coalesce(finished_at, created_at) < $2
    ORDER BY created_at, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
  ), gone AS (
    DELETE FROM evaluation_runs r USING doomed d
    WHERE r.project_id = $1 AND r.id = d.id
    RETURNING r.id
  )
  SELECT count(*)::int AS n,
         (SELECT count(*) FROM evaluation_items i
          WHERE i.project_id = $1 AND i.run_id IN (SELECT id FROM gone))::int AS items
  FROM gone`;

/**
 * Applies each project's `retentionDays` (projects without one keep everything): drops whole
 * monthly partitions that no project needs any more, then deletes the remaining expired
 * requests, feedback and exposures in batches of `batchSize` rows, each its own short
 * statement, and with them what was made from them (see {@link RetentionResult}). Safe to run
 * while events are ingested.
 *
 * @throws {LoopkitError} `INVALID_INPUT` for a batch size below 1.
 */
export async function applyRetention(
  db: Database,
  options: RetentionOptions = {},
): Promise<RetentionResult> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 5000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `applyRetention: batchSize must be a whole number above 0 (got ${batchSize}).`,
    );
  }
  const result: RetentionResult = {
    droppedPartitions: [],
    deleted: { requests: 0, feedback: 0, exposures: 0 },
    rollups: 0,
    derived: { shadowResults: 0, judgeCache: 0, evaluationRuns: 0, evaluationItems: 0 },
  };

  await dropUnneededPartitions(db, now, result.droppedPartitions);

  const projects = await db.query<{ id: string; cutoff: Date }>(
    `SELECT id, $1::timestamptz - make_interval(days => retention_days) AS cutoff
     FROM projects WHERE retention_days IS NOT NULL ORDER BY id`,
    [now],
  );
  const deleteInBatches = async (sql: string, project: { id: string; cutoff: Date }) => {
    let total = 0;
    for (;;) {
      const [row] = await db.query<{ n: number }>(sql, [project.id, project.cutoff, batchSize]);
      const n = row?.n ?? 0;
      total += n;
      if (n < batchSize) return total;
    }
  };
  for (const project of projects) {
    for (const table of ["requests", "feedback", "exposures"] as const) {
      result.deleted[table] += await deleteInBatches(DELETE_BATCH[table], project);
    }
    result.rollups += await deleteInBatches(DELETE_ROLLUPS, project);
    for (const kind of ["shadowResults", "judgeCache"] as const) {
      result.derived[kind] += await deleteInBatches(DELETE_DERIVED[kind], project);
    }
    for (;;) {
      const [run] = await db.query<{ n: number; items: number }>(DELETE_EVALUATION_RUN, [
        project.id,
        project.cutoff,
      ]);
      if (!run?.n) break;
      result.derived.evaluationRuns += run.n;
      result.derived.evaluationItems += run.items;
    }
  }
  // Partitions the deletes emptied can go too.
  await dropUnneededPartitions(db, now, result.droppedPartitions);
  // The deleted rollups' users lose their kept totals now, not at the next scheduled fold: a
  // user without requests left must not keep a row with their hashed id.
  if (result.rollups > 0) await foldUserRollups(db);
  return result;
}

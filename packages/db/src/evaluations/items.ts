import type { EvaluationItem, ItemResult } from "@loopkit/core";
import { ITEM_COLUMNS, toEvaluationItem } from "./rows.js";
import type { SqlClient } from "./sql-client.js";

/**
 * Claims an item gets before it is given up: a process that took it and stopped without
 * recording a judgment (a crash, a kill) that many times is taken to be stopped by the item.
 */
export const MAX_ITEM_ATTEMPTS = 5;

/**
 * Claims up to `limit` items of a run for judging: pending items, and items whose claim's lease
 * expired (their process crashed). Claimed items are `running` until `leaseMs` from now. An
 * expired item already claimed {@link MAX_ITEM_ATTEMPTS} times is failed instead (error
 * `abandoned: …`), so an item that stops every process taking it cannot stop workers forever.
 * All branches walk the `(project_id, run_id, status, item_index)` index, so a claim costs the
 * same at the end of a large run as at its start.
 * `FOR UPDATE SKIP LOCKED` lets several workers claim from one run without taking the same item.
 */
export async function claimPendingItems(
  db: SqlClient,
  projectId: string,
  runId: string,
  limit: number,
  leaseMs: number,
): Promise<EvaluationItem[]> {
  const rows = await db.query(
    `WITH abandoned AS (
       UPDATE evaluation_items
          SET status = 'failed', lease_expires_at = NULL, judged_at = now(),
              error = 'abandoned: claimed ' || attempts || ' times and never judged; each process '
                      || 'that took it stopped (crashed or was killed) before recording a judgment'
        WHERE project_id = $1 AND run_id = $2::uuid AND status = 'running'
          AND lease_expires_at < now() AND attempts >= $5
     ), pending AS (
       SELECT item_index FROM evaluation_items
        WHERE project_id = $1 AND run_id = $2::uuid AND status = 'pending'
        ORDER BY item_index LIMIT $3 FOR UPDATE SKIP LOCKED
     ), expired AS (
       SELECT item_index FROM evaluation_items
        WHERE project_id = $1 AND run_id = $2::uuid AND status = 'running'
          AND lease_expires_at < now() AND attempts < $5
        ORDER BY item_index LIMIT $3 FOR UPDATE SKIP LOCKED
     ), picked AS (
       SELECT item_index FROM pending UNION ALL SELECT item_index FROM expired
        ORDER BY item_index LIMIT $3
     )
     UPDATE evaluation_items i
        SET status = 'running', attempts = i.attempts + 1,
            lease_expires_at = now() + make_interval(secs => $4::float8 / 1000)
      WHERE i.project_id = $1 AND i.run_id = $2::uuid
        AND i.item_index = ANY (ARRAY(SELECT item_index FROM picked))
      RETURNING ${ITEM_COLUMNS.split(",")
        .map((c) => `i.${c.trim()}`)
        .join(", ")}`,
    [projectId, runId, limit, leaseMs, MAX_ITEM_ATTEMPTS],
  );
  return rows.map(toEvaluationItem).sort((a, b) => a.itemIndex - b.itemIndex);
}

/**
 * Records an item's judgment, its cost and tokens, and, for a fresh successful judgment, puts it
 * in the judge cache under its content hash: one statement, so the cache never holds a judgment
 * whose item was not recorded. Only the holder of the item's latest claim records: `attempt` is
 * the item's `attempts` when it was claimed, so a process that stalled past its lease while
 * another took the item over cannot overwrite the new holder's judgment and cost. Returns
 * whether the judgment was recorded.
 */
export async function recordJudgment(
  db: SqlClient,
  projectId: string,
  runId: string,
  itemIndex: number,
  attempt: number,
  result: ItemResult,
): Promise<boolean> {
  const [row] = await db.query<{ recorded: boolean }>(
    `WITH updated AS (
       UPDATE evaluation_items
          SET status = $4, judgment = $5::jsonb, cost_usd = $6, input_tokens = $7,
              output_tokens = $8, cached = $9, cache_key = $10, error = $11,
              outputs = coalesce($12::jsonb, outputs), lease_expires_at = NULL, judged_at = now()
        WHERE project_id = $1 AND run_id = $2::uuid AND item_index = $3
          AND status = 'running' AND attempts = $13
        RETURNING 1
     ), cached AS (
       INSERT INTO judge_cache (project_id, cache_key, value)
       SELECT $1, $10, $5::jsonb
        WHERE $4 = 'done' AND NOT $9 AND $10::text IS NOT NULL AND EXISTS (SELECT 1 FROM updated)
       ON CONFLICT (project_id, cache_key) DO NOTHING
     )
     SELECT EXISTS (SELECT 1 FROM updated) AS recorded`,
    [
      projectId,
      runId,
      itemIndex,
      result.status,
      JSON.stringify(result.judgment ?? null),
      result.costUsd,
      result.inputTokens,
      result.outputTokens,
      result.cached,
      result.cacheKey,
      result.error,
      result.outputs ? JSON.stringify(result.outputs) : null,
      attempt,
    ],
  );
  return row?.recorded === true;
}

/** Puts claimed items back to pending (a clean stop: budget reached or run aborted). */
export async function releaseItems(
  db: SqlClient,
  projectId: string,
  runId: string,
  itemIndexes: readonly number[],
): Promise<void> {
  if (itemIndexes.length === 0) return;
  await db.query(
    `UPDATE evaluation_items
        SET status = 'pending', lease_expires_at = NULL, attempts = greatest(attempts - 1, 0)
      WHERE project_id = $1 AND run_id = $2::uuid AND status = 'running'
        AND item_index IN (SELECT jsonb_array_elements_text($3::jsonb)::int)`,
    [projectId, runId, JSON.stringify(itemIndexes)],
  );
}

/**
 * Extends the lease of items still `running` to `leaseMs` from now: called while they are being
 * judged, so a judgment that takes longer than one lease is not taken over by another worker.
 */
export async function renewItemLeases(
  db: SqlClient,
  projectId: string,
  runId: string,
  itemIndexes: readonly number[],
  leaseMs: number,
): Promise<void> {
  if (itemIndexes.length === 0) return;
  await db.query(
    `UPDATE evaluation_items
        SET lease_expires_at = now() + make_interval(secs => $4::float8 / 1000)
      WHERE project_id = $1 AND run_id = $2::uuid AND status = 'running'
        AND item_index IN (SELECT jsonb_array_elements_text($3::jsonb)::int)`,
    [projectId, runId, JSON.stringify(itemIndexes), leaseMs],
  );
}

/** All items of a run, in order. */
export async function listEvaluationItems(
  db: SqlClient,
  projectId: string,
  runId: string,
): Promise<EvaluationItem[]> {
  const rows = await db.query(
    `SELECT ${ITEM_COLUMNS} FROM evaluation_items
      WHERE project_id = $1 AND run_id = $2::uuid ORDER BY item_index`,
    [projectId, runId],
  );
  return rows.map(toEvaluationItem);
}

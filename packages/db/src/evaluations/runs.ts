import { randomUUID } from "node:crypto";
import type { EvaluationRun, EvaluationRunStatus, NewEvaluationRun } from "@loopkit/core";
import { RUN_COLUMNS, RUN_PROGRESS_JOIN, toEvaluationRun } from "./rows.js";
import type { SqlClient } from "./sql-client.js";

/**
 * Creates a run and all its items in one statement (a data-modifying CTE inserting the run and
 * then the items from one JSON array), so a run never exists half-created. With `run.lease` it
 * is created held by that process and resumable by others (see `claimAbandonedRun`).
 */
export async function createEvaluationRun(
  db: SqlClient,
  run: NewEvaluationRun,
): Promise<EvaluationRun> {
  const id = run.id ?? randomUUID();
  const items = run.items.map((item) => ({
    version: item.version,
    baselineVersion: item.baselineVersion ?? null,
    requestId: item.requestId ?? null,
    input: item.input ?? null,
    outputs: item.outputs,
    expected: item.expected ?? null,
    humanRating: item.humanRating ?? null,
  }));
  await db.query(
    `WITH run AS (
       INSERT INTO evaluation_runs
         (project_id, id, name, kind, judge_config, versions, budget_usd, metadata, concurrency,
          auto_resume, lease_owner, lease_expires_at)
       VALUES ($1, $2::uuid, $3, $4, $5::jsonb, $6::jsonb, $7, $8::jsonb, $10::int,
               $11::text IS NOT NULL, $11::text,
               now() + make_interval(secs => $12::float8 / 1000))
       RETURNING project_id, id
     )
     INSERT INTO evaluation_items
       (project_id, run_id, item_index, version, baseline_version, request_id, input, outputs,
        expected, human_rating)
     SELECT run.project_id, run.id, (e.ordinality - 1)::int, e.value->>'version',
            e.value->>'baselineVersion', e.value->>'requestId', e.value->'input',
            e.value->'outputs', nullif(e.value->'expected', 'null'::jsonb),
            (e.value->>'humanRating')::float8
       FROM run, jsonb_array_elements($9::jsonb) WITH ORDINALITY AS e(value, ordinality)`,
    [
      run.projectId,
      id,
      run.name ?? null,
      run.kind,
      JSON.stringify(run.judgeConfig),
      JSON.stringify(run.versions),
      run.budgetUsd ?? null,
      JSON.stringify(run.metadata ?? {}),
      JSON.stringify(items),
      run.concurrency ?? null,
      run.lease?.owner ?? null,
      run.lease?.leaseMs ?? null,
    ],
  );
  const created = await getEvaluationRun(db, run.projectId, id);
  if (!created) throw new Error(`evaluation run ${id} was not created`);
  return created;
}

/** A run with its progress (counts by status, cost and tokens so far), or null. */
export async function getEvaluationRun(
  db: SqlClient,
  projectId: string,
  runId: string,
): Promise<EvaluationRun | null> {
  const rows = await db.query(
    `SELECT ${RUN_COLUMNS} FROM evaluation_runs r ${RUN_PROGRESS_JOIN}
      WHERE r.project_id = $1 AND r.id = $2::uuid`,
    [projectId, runId],
  );
  return rows[0] ? toEvaluationRun(rows[0]) : null;
}

/** A project's runs, newest first. */
export async function listEvaluationRuns(
  db: SqlClient,
  projectId: string,
  options: { limit?: number } = {},
): Promise<EvaluationRun[]> {
  const rows = await db.query(
    `SELECT ${RUN_COLUMNS} FROM evaluation_runs r ${RUN_PROGRESS_JOIN}
      WHERE r.project_id = $1 ORDER BY r.created_at DESC, r.id LIMIT $2`,
    [projectId, Math.min(Math.max(options.limit ?? 50, 1), 500)],
  );
  return rows.map(toEvaluationRun);
}

/**
 * Sets a run's status; `running` stamps `started_at` the first time, and `completed`,
 * `budget_exhausted`, `paused` or `failed` stamp `finished_at`. `error` is kept with `failed`
 * (and cleared by any other status). With `leaseOwner` the change only applies while that
 * process holds the run's lease, so a process that lost its run to another cannot overwrite the
 * new executor's status. Resolves to whether the run was changed.
 */
export async function setEvaluationRunStatus(
  db: SqlClient,
  projectId: string,
  runId: string,
  status: EvaluationRunStatus,
  options: { error?: string; leaseOwner?: string } = {},
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE evaluation_runs
        SET status = $3,
            started_at = CASE WHEN $3 = 'running' THEN coalesce(started_at, now()) ELSE started_at END,
            finished_at = CASE WHEN $3 IN ('completed', 'budget_exhausted', 'paused', 'failed') THEN now()
                               WHEN $3 = 'running' THEN NULL ELSE finished_at END,
            error = CASE WHEN $3 = 'failed' THEN $4::text END
      WHERE project_id = $1 AND id = $2::uuid AND ($5::text IS NULL OR lease_owner = $5::text)
      RETURNING 1`,
    [projectId, runId, status, options.error ?? null, options.leaseOwner ?? null],
  );
  return rows.length > 0;
}

import type { EvaluationRun, RunLease } from "@loopkit/core";
import { getEvaluationRun } from "./runs.js";
import type { SqlClient } from "./sql-client.js";

/** A run claimed by {@link claimAbandonedRun}, and whose process held it before (null: none). */
export interface ClaimedRun {
  run: EvaluationRun;
  previousOwner: string | null;
}

/** Options of {@link claimAbandonedRun}. */
export interface ClaimOptions extends RunLease {
  /**
   * Take runs held by any other owner, expired or not. Only right when no other process can be
   * using the database: embedded PGlite, whose data folder belongs to one process, so a lease
   * of another owner there was left by a process that has stopped.
   */
  takeOverOtherOwners?: boolean;
}

/**
 * Claims one abandoned run for `owner`: a run created with a lease (`autoResume`), not finished
 * (`pending`, `running` or `paused`), whose lease was released or has expired (its process
 * died, or stopped). Oldest first. `FOR UPDATE SKIP LOCKED` and the lease written in the same
 * statement make the claim exclusive: when several processes look at once, each run goes to
 * exactly one of them. A run the caller holds itself is never returned.
 *
 * The same statement puts the run's `running` items back to `pending` (their attempts kept):
 * only the run's executor claims its items, so those were being judged by the process that
 * lost the run, and will be judged again.
 */
export async function claimAbandonedRun(
  db: SqlClient,
  options: ClaimOptions,
): Promise<ClaimedRun | null> {
  const rows = await db.query<{ project_id: string; id: string; previous_owner: string | null }>(
    `WITH candidate AS (
       SELECT project_id, id, lease_owner FROM evaluation_runs
        WHERE auto_resume AND status IN ('pending', 'running', 'paused')
          AND lease_owner IS DISTINCT FROM $1
          AND (lease_owner IS NULL OR lease_expires_at < now() OR $3::boolean)
        ORDER BY created_at, id
        LIMIT 1
        FOR UPDATE SKIP LOCKED
     ), claimed AS (
       UPDATE evaluation_runs r
          SET lease_owner = $1, lease_expires_at = now() + make_interval(secs => $2::float8 / 1000)
         FROM candidate c
        WHERE r.project_id = c.project_id AND r.id = c.id
       RETURNING r.project_id, r.id, c.lease_owner AS previous_owner
     ), reopened AS (
       UPDATE evaluation_items i
          SET status = 'pending', lease_expires_at = NULL
         FROM claimed c
        WHERE i.project_id = c.project_id AND i.run_id = c.id AND i.status = 'running'
     )
     SELECT project_id, id::text AS id, previous_owner FROM claimed`,
    [options.owner, options.leaseMs, options.takeOverOtherOwners ?? false],
  );
  const claimed = rows[0];
  if (!claimed) return null;
  const run = await getEvaluationRun(db, claimed.project_id, claimed.id);
  return run ? { run, previousOwner: claimed.previous_owner } : null;
}

/**
 * Extends `owner`'s lease on a run by `leaseMs` from now. Resolves to false when `owner` no
 * longer holds it (another process claimed it after the lease expired): the caller must stop
 * executing the run.
 */
export async function renewRunLease(
  db: SqlClient,
  projectId: string,
  runId: string,
  lease: RunLease,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE evaluation_runs
        SET lease_expires_at = now() + make_interval(secs => $4::float8 / 1000)
      WHERE project_id = $1 AND id = $2::uuid AND lease_owner = $3
      RETURNING 1`,
    [projectId, runId, lease.owner, lease.leaseMs],
  );
  return rows.length > 0;
}

/**
 * Gives up `owner`'s lease on a run (it finished, or its process is shutting down), so that an
 * unfinished run can be claimed by another process at once rather than when the lease expires.
 */
export async function releaseRunLease(
  db: SqlClient,
  projectId: string,
  runId: string,
  owner: string,
): Promise<void> {
  await db.query(
    `UPDATE evaluation_runs SET lease_owner = NULL, lease_expires_at = NULL
      WHERE project_id = $1 AND id = $2::uuid AND lease_owner = $3`,
    [projectId, runId, owner],
  );
}

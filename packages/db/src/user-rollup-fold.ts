import type { Queryable } from "./database.js";

/** What one {@link foldUserRollups} did: changes folded, or skipped while another fold ran. */
export type FoldResult = { skipped: true } | { skipped: false; changes: number };

/**
 * Moves the per-user changes that ingest appended to `user_rollup_changes` into the kept totals
 * of `user_rollups` (migration 0010), in one statement: what it folds it deletes, so a change is
 * folded once; users left without requests lose their row. Readers add the changes not yet
 * folded, so folding changes no answer, only how much a read has to add up: maintenance runs it
 * every few seconds. One fold at a time (an advisory lock; a concurrent call is skipped).
 */
export async function foldUserRollups(db: Queryable): Promise<FoldResult> {
  const [row] = await db.query<{ changes: number }>(
    "SELECT loopkit_fold_user_rollups() AS changes",
    [],
  );
  const changes = row?.changes ?? 0;
  return changes < 0 ? { skipped: true } : { skipped: false, changes };
}

import type { SqlClient } from "./sql-client.js";

/** The cached value under a content hash, or null. */
export async function getCachedJudgment(
  db: SqlClient,
  projectId: string,
  cacheKey: string,
): Promise<unknown | null> {
  const rows = await db.query<{ value: unknown }>(
    "SELECT value FROM judge_cache WHERE project_id = $1 AND cache_key = $2",
    [projectId, cacheKey],
  );
  return rows[0]?.value ?? null;
}

/** Caches a value (a judgment, or a regenerated output) under its content hash; the first write wins. */
export async function putCachedJudgment(
  db: SqlClient,
  projectId: string,
  cacheKey: string,
  value: unknown,
): Promise<void> {
  await db.query(
    `INSERT INTO judge_cache (project_id, cache_key, value) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (project_id, cache_key) DO NOTHING`,
    [projectId, cacheKey, JSON.stringify(value)],
  );
}

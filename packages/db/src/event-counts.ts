import type { Queryable } from "./database.js";

/** Distinct units exposed to each variant of an experiment, by variant name. */
export async function exposureCounts(
  db: Queryable,
  projectId: string,
  experimentKey: string,
): Promise<Array<{ variant: string; units: number }>> {
  return db.query<{ variant: string; units: number }>(
    `SELECT variant, count(DISTINCT unit_hash)::int AS units
     FROM exposures WHERE project_id = $1 AND experiment_key = $2
     GROUP BY variant ORDER BY variant`,
    [projectId, experimentKey],
  );
}

/** How many requests, feedback events and exposures a project has stored. */
export async function countEvents(
  db: Queryable,
  projectId: string,
): Promise<{ requests: number; feedback: number; exposures: number }> {
  const [row] = await db.query<{ requests: number; feedback: number; exposures: number }>(
    `SELECT (SELECT count(*) FROM requests WHERE project_id = $1)::int AS requests,
            (SELECT count(*) FROM feedback WHERE project_id = $1)::int AS feedback,
            (SELECT count(*) FROM exposures WHERE project_id = $1)::int AS exposures`,
    [projectId],
  );
  return row!;
}

import type { Queryable } from "@loopkit/db";

/** The tables (not partitions) that hold a `project_id` column, plus `projects` itself. */
export async function projectTables(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT c.relname AS name
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'project_id' AND NOT a.attisdropped
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY 1`,
  );
  return ["projects", ...rows.map((r) => r.name)];
}

/**
 * Every stored row of one project, table by table, as sorted JSON texts: two snapshots are equal
 * exactly when nothing of the project was added, changed or removed in between.
 */
export async function snapshotProject(
  db: Queryable,
  projectId: string,
): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const table of await projectTables(db)) {
    const column = table === "projects" ? "id" : "project_id";
    const rows = await db.query<{ row: string }>(
      `SELECT to_jsonb(t)::text AS row FROM "${table}" t WHERE t.${column} = $1`,
      [projectId],
    );
    snapshot[table] = rows.map((r) => r.row).sort();
  }
  return snapshot;
}

/** Every row of every project table as JSON text, for scanning the database for a string. */
export async function allStoredText(db: Queryable): Promise<string[]> {
  const texts: string[] = [];
  for (const table of await projectTables(db)) {
    const rows = await db.query<{ row: string }>(
      `SELECT to_jsonb(t)::text AS row FROM "${table}" t`,
    );
    texts.push(...rows.map((r) => r.row));
  }
  return texts;
}

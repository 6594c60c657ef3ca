import type { JsonValue } from "@loopkit/core";
import type { Queryable } from "./database.js";

/** One entry of the append-only audit log. */
export interface AuditEntry {
  /**
   * The entry's number in its project: 1, 2, 3, … in the order the project's entries were
   * recorded, without gaps, so it tells nothing of other projects' activity.
   */
  id: number;
  projectId: string;
  at: Date;
  /** Who did it: a person, an API key id, or a job. */
  actor: string;
  /** What was done, such as `prompt_version.promote`. */
  action: string;
  subjectType: string;
  subjectKey: string;
  details: Record<string, JsonValue>;
}

interface Row {
  id: number;
  project_id: string;
  at: Date;
  actor: string;
  action: string;
  subject_type: string;
  subject_key: string;
  details: Record<string, JsonValue>;
}

const COLUMNS = "id, project_id, at, actor, action, subject_type, subject_key, details";

function toEntry(row: Row): AuditEntry {
  return {
    id: Number(row.id),
    projectId: row.project_id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    subjectType: row.subject_type,
    subjectKey: row.subject_key,
    details: row.details,
  };
}

/**
 * Appends an entry to the audit log, numbered next in its project. Entries can never be changed
 * or removed (the database refuses UPDATE, DELETE and TRUNCATE on the table). Record it in the
 * transaction of the change it describes, as that transaction's last statement: the project's
 * audit counter stays locked until the transaction ends, so the project's other audit writes
 * wait for it.
 */
export async function recordAudit(
  db: Queryable,
  entry: {
    projectId: string;
    actor: string;
    action: string;
    subjectType: string;
    subjectKey: string;
    details?: Record<string, JsonValue>;
  },
): Promise<AuditEntry> {
  const [row] = await db.query<Row>(
    `INSERT INTO audit_log (project_id, actor, action, subject_type, subject_key, details)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING ${COLUMNS}`,
    [
      entry.projectId,
      entry.actor,
      entry.action,
      entry.subjectType,
      entry.subjectKey,
      JSON.stringify(entry.details ?? {}),
    ],
  );
  return toEntry(row!);
}

/** A project's audit entries, newest first, optionally of one subject; `before` pages back by id. */
export async function listAudit(
  db: Queryable,
  projectId: string,
  options: { subjectType?: string; subjectKey?: string; before?: number; limit?: number } = {},
): Promise<AuditEntry[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM audit_log
     WHERE project_id = $1 AND ($2::text IS NULL OR subject_type = $2)
       AND ($3::text IS NULL OR subject_key = $3) AND ($4::bigint IS NULL OR id < $4)
     ORDER BY id DESC LIMIT $5`,
    [
      projectId,
      options.subjectType ?? null,
      options.subjectKey ?? null,
      options.before ?? null,
      Math.min(Math.max(options.limit ?? 100, 1), 1000),
    ],
  );
  return rows.map(toEntry);
}

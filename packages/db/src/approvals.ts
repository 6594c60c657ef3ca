import { randomUUID } from "node:crypto";
import { LoopkitError } from "@loopkit/core";
import type { Queryable } from "./database.js";

/** What an approval is about. */
export type ApprovalSubject = "prompt_version" | "experiment";

/** A request for a named person to approve a change (promoting a prompt version, say). */
export interface Approval {
  id: string;
  projectId: string;
  subjectType: ApprovalSubject;
  /** The prompt version (`prompt@version`) or experiment key. */
  subjectKey: string;
  /** The change asked for, such as `promote`. */
  action: string;
  requestedBy: string;
  requestedAt: Date;
  status: "pending" | "approved" | "rejected";
  decidedBy: string | null;
  decidedAt: Date | null;
  comment: string | null;
}

interface Row {
  id: string;
  project_id: string;
  subject_type: ApprovalSubject;
  subject_key: string;
  action: string;
  requested_by: string;
  requested_at: Date;
  status: Approval["status"];
  decided_by: string | null;
  decided_at: Date | null;
  comment: string | null;
}

const COLUMNS =
  "id::text AS id, project_id, subject_type, subject_key, action, requested_by, requested_at, status, decided_by, decided_at, comment";

function toApproval(row: Row): Approval {
  return {
    id: row.id,
    projectId: row.project_id,
    subjectType: row.subject_type,
    subjectKey: row.subject_key,
    action: row.action,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    comment: row.comment,
  };
}

/** Opens a pending approval request. */
export async function requestApproval(
  db: Queryable,
  projectId: string,
  input: {
    subjectType: ApprovalSubject;
    subjectKey: string;
    action: string;
    requestedBy: string;
    comment?: string;
  },
): Promise<Approval> {
  const [row] = await db.query<Row>(
    `INSERT INTO approvals (project_id, id, subject_type, subject_key, action, requested_by, comment)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [
      projectId,
      randomUUID(),
      input.subjectType,
      input.subjectKey,
      input.action,
      input.requestedBy,
      input.comment ?? null,
    ],
  );
  return toApproval(row!);
}

/** The approval with this id in the project, or null. */
export async function getApproval(
  db: Queryable,
  projectId: string,
  id: string,
): Promise<Approval | null> {
  const [row] = await db.query<Row>(
    `SELECT ${COLUMNS} FROM approvals WHERE project_id = $1 AND id::text = $2`,
    [projectId, id],
  );
  return row ? toApproval(row) : null;
}

/** A project's approvals, newest first; optionally by status or subject. */
export async function listApprovals(
  db: Queryable,
  projectId: string,
  filter: { status?: Approval["status"]; subjectType?: ApprovalSubject; subjectKey?: string } = {},
): Promise<Approval[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM approvals
     WHERE project_id = $1 AND ($2::text IS NULL OR status = $2)
       AND ($3::text IS NULL OR subject_type = $3) AND ($4::text IS NULL OR subject_key = $4)
     ORDER BY requested_at DESC, id`,
    [projectId, filter.status ?? null, filter.subjectType ?? null, filter.subjectKey ?? null],
  );
  return rows.map(toApproval);
}

/**
 * Approves or rejects a pending request, naming who decided. A request is decided once.
 *
 * @throws {LoopkitError} `NOT_FOUND` when the project has no such request; `CONFLICT` when it
 * was already decided.
 */
export async function decideApproval(
  db: Queryable,
  projectId: string,
  id: string,
  decision: { status: "approved" | "rejected"; decidedBy: string; comment?: string },
): Promise<Approval> {
  const [row] = await db.query<Row>(
    `UPDATE approvals SET status = $3, decided_by = $4, decided_at = now(),
       comment = coalesce($5, comment)
     WHERE project_id = $1 AND id::text = $2 AND status = 'pending'
     RETURNING ${COLUMNS}`,
    [projectId, id, decision.status, decision.decidedBy, decision.comment ?? null],
  );
  if (row) return toApproval(row);
  const existing = await getApproval(db, projectId, id);
  if (!existing) {
    throw new LoopkitError("NOT_FOUND", `No approval request "${id}" in this project.`);
  }
  throw new LoopkitError(
    "CONFLICT",
    `Approval request "${id}" was already ${existing.status} by ${existing.decidedBy}; open a new request to decide again.`,
  );
}

import type { Queryable } from "@loopkit/db";

/** One stored feedback event as the API answers it. */
export interface FeedbackItem {
  id: string;
  timestamp: string;
  requestId: string | null;
  conversationId: string | null;
  kind: "explicit" | "implicit" | "outcome";
  name: string;
  value: number | boolean | string | null;
  scale: { min: number; max: number } | null;
  editRatio: number | null;
  comment: string | null;
  source: string;
  userHash: string | null;
  metadata: unknown;
}

interface Row {
  id: string;
  ts: Date;
  request_id: string | null;
  conversation_id: string | null;
  kind: FeedbackItem["kind"];
  name: string;
  value_number: number | null;
  value_bool: boolean | null;
  value_text: string | null;
  scale_min: number | null;
  scale_max: number | null;
  edit_ratio: number | null;
  comment: string | null;
  source: string;
  user_hash: string | null;
  metadata: unknown;
}

/**
 * The feedback on one request or one conversation of a project, oldest first, at most `limit`.
 * (A repository query; it belongs in @loopkit/db and should move there.)
 */
export async function feedbackOf(
  db: Queryable,
  projectId: string,
  target: { requestId?: string | undefined; conversationId?: string | undefined },
  limit: number,
): Promise<FeedbackItem[]> {
  const rows = await db.query<Row>(
    `SELECT id::text AS id, ts, request_id::text AS request_id, conversation_id, kind, name,
            value_number, value_bool, value_text, scale_min, scale_max, edit_ratio, comment,
            source, user_hash, metadata
     FROM feedback
     WHERE project_id = $1
       AND ($2::uuid IS NULL OR request_id = $2::uuid)
       AND ($3::text IS NULL OR conversation_id = $3)
     ORDER BY ts, id
     LIMIT $4`,
    [projectId, target.requestId ?? null, target.conversationId ?? null, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    timestamp: row.ts.toISOString(),
    requestId: row.request_id,
    conversationId: row.conversation_id,
    kind: row.kind,
    name: row.name,
    value: row.value_number ?? row.value_bool ?? row.value_text,
    scale:
      row.scale_min !== null && row.scale_max !== null
        ? { min: row.scale_min, max: row.scale_max }
        : null,
    editRatio: row.edit_ratio,
    comment: row.comment,
    source: row.source,
    userHash: row.user_hash,
    metadata: row.metadata,
  }));
}

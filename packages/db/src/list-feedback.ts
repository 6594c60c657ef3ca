import { LoopkitError } from "@loopkit/core";
import type { Queryable } from "./database.js";
import { FEEDBACK_SELECT, type FeedbackRow } from "./request-rows.js";

/** One stored feedback event as the API answers it: every field present, null when unset. */
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

/** What {@link listFeedback} reads: the feedback on one request or on one conversation. */
export interface FeedbackTarget {
  /** The event id (a UUID) of the request. */
  requestId?: string | undefined;
  conversationId?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Largest number of feedback events {@link listFeedback} returns. */
export const MAX_FEEDBACK_PAGE = 1000;

function toItem(row: FeedbackRow): FeedbackItem {
  return {
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
  };
}

/**
 * The feedback on one request (by its event id) or one conversation of a project, oldest first
 * by (timestamp, id), at most `limit` events.
 *
 * @throws {LoopkitError} `INVALID_INPUT` when the target names neither or both, for a request id
 * that is not a UUID, or for a limit that is not a whole number from 1 to
 * {@link MAX_FEEDBACK_PAGE}.
 */
export async function listFeedback(
  db: Queryable,
  projectId: string,
  target: FeedbackTarget,
  limit: number,
): Promise<FeedbackItem[]> {
  if ((target.requestId === undefined) === (target.conversationId === undefined)) {
    throw new LoopkitError(
      "INVALID_INPUT",
      "listFeedback: give exactly one of requestId or conversationId.",
    );
  }
  if (target.requestId !== undefined && !UUID.test(target.requestId)) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `listFeedback: requestId must be the request's event id, a UUID (got "${target.requestId.slice(0, 64)}").`,
    );
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FEEDBACK_PAGE) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `listFeedback: limit must be a whole number from 1 to ${MAX_FEEDBACK_PAGE} (got ${limit}).`,
    );
  }
  const rows = await db.query<FeedbackRow>(
    `SELECT ${FEEDBACK_SELECT}
     FROM feedback
     WHERE project_id = $1
       AND ($2::uuid IS NULL OR request_id = $2::uuid)
       AND ($3::text IS NULL OR conversation_id = $3)
     ORDER BY ts, id
     LIMIT $4`,
    [projectId, target.requestId ?? null, target.conversationId ?? null, limit],
  );
  return rows.map(toItem);
}

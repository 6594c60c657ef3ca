import { LoopkitError } from "@loopkit/core";
import type { Queryable } from "./database.js";
import {
  REQUEST_SELECT,
  type RequestRecord,
  type RequestRow,
  withFeedback,
} from "./request-rows.js";

/** A page request of {@link listRequests}. */
export interface ListRequestsOptions {
  /** The `nextCursor` of the previous page; omit for the first (newest) page. */
  cursor?: string | null;
  /** Requests per page, 1–1000. */
  limit: number;
  promptName?: string;
  promptVersion?: string;
  from?: Date;
  to?: Date;
  /** Requests carrying all of these tags. */
  tags?: string[];
  /** Only requests with feedback (true) or without (false). */
  hasFeedback?: boolean;
}

/** A page of requests, newest first, and the cursor of the next page (null on the last). */
export interface RequestPage {
  requests: RequestRecord[];
  nextCursor: string | null;
}

/** Largest page {@link listRequests} returns. */
export const MAX_PAGE_SIZE = 1000;

interface Cursor {
  ts: string;
  id: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.ts, cursor.id])).toString("base64url");
}

/** The form of a cursor's time, as the page query's `to_char` writes it. */
const CURSOR_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
/** A request id (any UUID version), so the database is never handed one it cannot read. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): Cursor {
  try {
    const [ts, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof ts === "string" && typeof id === "string" && CURSOR_TS.test(ts) && UUID.test(id)) {
      return { ts, id };
    }
  } catch {
    // Reported below.
  }
  throw new LoopkitError(
    "INVALID_INPUT",
    "listRequests: the cursor is not one this server made; pass the nextCursor of the previous page, or none for the first page.",
  );
}

/**
 * The request explorer: a project's requests newest first, with their feedback, one page at a
 * time. Keyset pagination on (timestamp, id) — the primary key's order — so a page costs the
 * same however deep it is, and events arriving meanwhile never shift pages.
 *
 * @throws {LoopkitError} `INVALID_INPUT` for a bad limit or cursor.
 */
export async function listRequests(
  db: Queryable,
  projectId: string,
  options: ListRequestsOptions,
): Promise<RequestPage> {
  if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > MAX_PAGE_SIZE) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `listRequests: limit must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${options.limit}).`,
    );
  }
  const cursor = options.cursor ? decodeCursor(options.cursor) : null;
  const rows = await db.query<RequestRow & { cursor_ts: string }>(
    `SELECT ${REQUEST_SELECT},
            to_char(r.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_ts
     FROM requests r
     WHERE r.project_id = $1
       AND ($2::timestamptz IS NULL OR (r.ts, r.id) < ($2::timestamptz, $3::uuid))
       AND ($4::text IS NULL OR r.prompt_name = $4)
       AND ($5::text IS NULL OR r.prompt_version = $5)
       AND ($6::timestamptz IS NULL OR r.ts >= $6)
       AND ($7::timestamptz IS NULL OR r.ts < $7)
       AND ($8::text[] IS NULL OR r.tags @> $8::text[])
       AND ($9::boolean IS NULL OR $9 = EXISTS (
             SELECT 1 FROM feedback f WHERE f.project_id = r.project_id AND f.request_id = r.id))
     ORDER BY r.ts DESC, r.id DESC
     LIMIT $10`,
    [
      projectId,
      cursor?.ts ?? null,
      cursor?.id ?? null,
      options.promptName ?? null,
      options.promptVersion ?? null,
      options.from ?? null,
      options.to ?? null,
      options.tags && options.tags.length > 0 ? options.tags : null,
      options.hasFeedback ?? null,
      options.limit + 1,
    ],
  );
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    requests: await withFeedback(db, projectId, page),
    nextCursor:
      rows.length > options.limit && last
        ? encodeCursor({ ts: last.cursor_ts, id: last.id })
        : null,
  };
}

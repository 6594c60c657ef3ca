import { randomUUID } from "node:crypto";
import { LoopkitError } from "@loopkit/core";
import type { Queryable } from "./database.js";
import {
  REQUEST_SELECT,
  type RequestRecord,
  type RequestRow,
  withFeedback,
} from "./request-rows.js";

/** What {@link sampleRequests} draws from, and how many. */
export interface SampleOptions {
  /** Requests to draw; per version when `stratifyByVersion`. */
  size: number;
  promptName?: string;
  /** Only these prompt versions. */
  versions?: string[];
  /** Draw `size` requests of each prompt version instead of `size` in all. */
  stratifyByVersion?: boolean;
  /** Only requests with feedback (true) or without (false). */
  withFeedback?: boolean;
  from?: Date;
  to?: Date;
  /**
   * Makes the draw repeatable: the same seed over the same requests gives the same sample.
   * Default: a new random seed each call.
   */
  seed?: string;
}

/** Largest sample {@link sampleRequests} draws (per version when stratified). */
export const MAX_SAMPLE_SIZE = 10_000;

/**
 * A uniform random sample of a project's requests (shadow runs excluded), with their feedback,
 * for offline evaluations. Each request is ranked by md5(seed ‖ id), which is uniform and
 * independent of when the request came, and the lowest ranks are taken — per prompt version
 * when stratified, so a rarely used version still gets `size` requests.
 *
 * @throws {LoopkitError} `INVALID_INPUT` for a bad size.
 */
export async function sampleRequests(
  db: Queryable,
  projectId: string,
  options: SampleOptions,
): Promise<RequestRecord[]> {
  if (!Number.isInteger(options.size) || options.size < 1 || options.size > MAX_SAMPLE_SIZE) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `sampleRequests: size must be a whole number from 1 to ${MAX_SAMPLE_SIZE} (got ${options.size}).`,
    );
  }
  const rows = await db.query<RequestRow>(
    `SELECT * FROM (
       SELECT ${REQUEST_SELECT},
              row_number() OVER (
                PARTITION BY CASE WHEN $8::boolean THEN r.prompt_version END
                ORDER BY md5($9::text || r.id::text)) AS sample_rank
       FROM requests r
       WHERE r.project_id = $1
         AND r.shadow_of IS NULL
         AND ($2::text IS NULL OR r.prompt_name = $2)
         AND ($3::text[] IS NULL OR r.prompt_version = ANY($3::text[]))
         AND ($4::timestamptz IS NULL OR r.ts >= $4)
         AND ($5::timestamptz IS NULL OR r.ts < $5)
         AND ($6::boolean IS NULL OR $6 = EXISTS (
               SELECT 1 FROM feedback f WHERE f.project_id = r.project_id AND f.request_id = r.id))
     ) ranked
     WHERE sample_rank <= $7
     ORDER BY prompt_version NULLS FIRST, sample_rank`,
    [
      projectId,
      options.promptName ?? null,
      options.versions && options.versions.length > 0 ? options.versions : null,
      options.from ?? null,
      options.to ?? null,
      options.withFeedback ?? null,
      options.size,
      options.stratifyByVersion ?? false,
      options.seed ?? randomUUID(),
    ],
  );
  return withFeedback(db, projectId, rows);
}

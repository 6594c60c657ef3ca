import type { Queryable } from "./database.js";
import type { StoredFeedbackEvent, StoredLogEvent } from "./stored-events.js";

/** A stored request read back, with when the server received it and its feedback (oldest first). */
export type RequestRecord = StoredLogEvent & {
  receivedAt: Date;
  feedback: FeedbackRecord[];
};

/** A stored feedback event read back. */
export type FeedbackRecord = StoredFeedbackEvent & { receivedAt: Date };

/** The columns of `requests` a {@link RequestRecord} is read from (alias `r`). */
export const REQUEST_SELECT = `r.id::text AS id, r.ts, r.received_at, r.conversation_id,
  r.turn_index, r.caller_request_id, r.user_hash, r.session_id, r.prompt_name, r.prompt_version,
  r.experiment_key, r.variant, r.model, r.provider, r.input, r.output, r.input_tokens,
  r.output_tokens, r.cached_input_tokens, r.tokens_estimated, r.cost_micros, r.latency_ms,
  r.time_to_first_token_ms, r.status, r.error_message, r.tags, r.metadata,
  r.shadow_of::text AS shadow_of`;

/** A row selected with {@link REQUEST_SELECT}. */
export interface RequestRow {
  id: string;
  ts: Date;
  received_at: Date;
  conversation_id: string | null;
  turn_index: number | null;
  caller_request_id: string | null;
  user_hash: string | null;
  session_id: string | null;
  prompt_name: string | null;
  prompt_version: string | null;
  experiment_key: string | null;
  variant: string | null;
  model: string | null;
  provider: string | null;
  input: StoredLogEvent["input"] | null;
  output: StoredLogEvent["output"] | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_input_tokens: number | null;
  tokens_estimated: boolean;
  cost_micros: number | null;
  latency_ms: number | null;
  time_to_first_token_ms: number | null;
  status: "ok" | "error";
  error_message: string | null;
  tags: string[];
  metadata: StoredLogEvent["metadata"] | null;
  shadow_of: string | null;
}

/** The columns of `feedback` a {@link FeedbackRow} is read from. */
export const FEEDBACK_SELECT = `id::text AS id, ts, received_at, request_id::text AS request_id,
  conversation_id, kind, name, value_number, value_bool, value_text, scale_min, scale_max,
  edit_ratio, comment, source, user_hash, session_id, metadata`;

/** A row selected with {@link FEEDBACK_SELECT}. */
export interface FeedbackRow {
  id: string;
  ts: Date;
  received_at: Date;
  request_id: string | null;
  conversation_id: string | null;
  kind: StoredFeedbackEvent["kind"];
  name: string;
  value_number: number | null;
  value_bool: boolean | null;
  value_text: string | null;
  scale_min: number | null;
  scale_max: number | null;
  edit_ratio: number | null;
  comment: string | null;
  source: StoredFeedbackEvent["source"];
  user_hash: string | null;
  session_id: string | null;
  metadata: StoredFeedbackEvent["metadata"] | null;
}

/** Sets `key` on `target` only when the value is present, so absent fields stay absent. */
function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | null): void {
  if (value !== null && value !== undefined) target[key] = value;
}

function toFeedback(row: FeedbackRow): FeedbackRecord {
  const feedback: FeedbackRecord = {
    type: "feedback",
    id: row.id,
    timestamp: row.ts.toISOString(),
    receivedAt: row.received_at,
    kind: row.kind,
    name: row.name,
    source: row.source,
    userHash: row.user_hash,
  };
  put(feedback, "requestId", row.request_id);
  put(feedback, "conversationId", row.conversation_id);
  put(feedback, "value", row.value_number ?? row.value_bool ?? row.value_text);
  if (row.scale_min !== null && row.scale_max !== null) {
    feedback.scale = { min: row.scale_min, max: row.scale_max };
  }
  put(feedback, "editRatio", row.edit_ratio);
  put(feedback, "comment", row.comment);
  put(feedback, "sessionId", row.session_id);
  put(feedback, "metadata", row.metadata);
  return feedback;
}

function toRequest(row: RequestRow, feedback: FeedbackRecord[]): RequestRecord {
  const request: RequestRecord = {
    type: "log",
    id: row.id,
    timestamp: row.ts.toISOString(),
    receivedAt: row.received_at,
    status: row.status,
    userHash: row.user_hash,
    costMicros: row.cost_micros,
    tokensEstimated: row.tokens_estimated,
    feedback,
  };
  put(request, "conversationId", row.conversation_id);
  put(request, "turnIndex", row.turn_index);
  put(request, "requestId", row.caller_request_id);
  put(request, "sessionId", row.session_id);
  put(request, "promptName", row.prompt_name);
  put(request, "promptVersion", row.prompt_version);
  put(request, "experimentKey", row.experiment_key);
  put(request, "variant", row.variant);
  put(request, "model", row.model);
  put(request, "provider", row.provider);
  put(request, "input", row.input);
  put(request, "output", row.output);
  if (row.input_tokens !== null || row.output_tokens !== null || row.cached_input_tokens !== null) {
    request.usage = {};
    put(request.usage, "inputTokens", row.input_tokens);
    put(request.usage, "outputTokens", row.output_tokens);
    put(request.usage, "cachedInputTokens", row.cached_input_tokens);
  }
  if (row.cost_micros !== null) request.costUsd = row.cost_micros / 1e6;
  put(request, "latencyMs", row.latency_ms);
  put(request, "timeToFirstTokenMs", row.time_to_first_token_ms);
  put(request, "errorMessage", row.error_message);
  if (row.tags.length > 0) request.tags = row.tags;
  put(request, "metadata", row.metadata);
  put(request, "shadowOf", row.shadow_of);
  return request;
}

/**
 * Turns request rows into records with their feedback, fetched in one more query for all of
 * them (never one query per request).
 */
export async function withFeedback(
  db: Queryable,
  projectId: string,
  rows: RequestRow[],
): Promise<RequestRecord[]> {
  if (rows.length === 0) return [];
  const feedbackRows = await db.query<FeedbackRow & { request_id: string }>(
    `SELECT ${FEEDBACK_SELECT}
     FROM feedback
     WHERE project_id = $1 AND request_id = ANY($2::uuid[])
     ORDER BY ts, id`,
    [projectId, rows.map((row) => row.id)],
  );
  const byRequest = new Map<string, FeedbackRecord[]>();
  for (const row of feedbackRows) {
    const list = byRequest.get(row.request_id) ?? [];
    list.push(toFeedback(row));
    byRequest.set(row.request_id, list);
  }
  return rows.map((row) => toRequest(row, byRequest.get(row.id) ?? []));
}

/**
 * Bulk ingest of validated, redacted and enriched events:
 *   1. split  — the batch by table, remembering each event's position
 *   2. insert — one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING` per table,
 *               all in one transaction, every value bound in a binary `text[]` parameter (no
 *               escaping or array-literal parsing; see text-array-parameter.ts); new requests
 *               start their `request_rollups` row in the same statement
 *   3. roll up — new feedback on requests folded into those rollups (one more statement)
 *   4. answer — per event in input order: accepted when its row was inserted by this call,
 *               duplicate when (project, timestamp, id) was already stored or repeated earlier
 *               in the same batch
 */
import type { Database, Queryable } from "./database.js";
import type {
  StoredEvent,
  StoredExposureEvent,
  StoredFeedbackEvent,
  StoredLogEvent,
} from "./stored-events.js";
import { textArrayParameter } from "./text-array-parameter.js";

/** What became of one event: stored now, or already stored (a retry). */
export type InsertOutcome = "accepted" | "duplicate";

type Cell = string | null;

const json = (value: unknown): Cell => (value === undefined ? null : JSON.stringify(value));
const text = (value: string | number | boolean | undefined | null): Cell =>
  value === undefined || value === null ? null : String(value);

/**
 * An event's time as it is stored: the fraction cut to microseconds, what `timestamptz` keeps.
 * PostgreSQL would round the digits beyond instead (`…00.0009996Z` to `…00.001Z`), so the stored
 * time could pass the millisecond that `Date.parse` (which cuts) gives the event's key, and a new
 * event would be answered as a duplicate.
 */
const storedTime = (timestamp: string): string => timestamp.replace(/(\.\d{6})\d+/, "$1");

/**
 * A PostgreSQL array literal of strings (`{"a","b\\"c"}`), so one row's tags travel as one cell
 * of a text[] parameter (unnest cannot take an array of arrays). It is a parameter value, parsed
 * by PostgreSQL's array input, never SQL text.
 */
function arrayLiteral(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`;
}

/** One column: its name, the SQL that turns the unnested text into its type, and its cells. */
interface Column<E> {
  name: string;
  cast: string;
  cell: (event: E) => Cell;
}

const REQUEST_COLUMNS: Column<StoredLogEvent>[] = [
  { name: "ts", cast: "timestamptz", cell: (e) => storedTime(e.timestamp) },
  { name: "id", cast: "uuid", cell: (e) => e.id },
  { name: "conversation_id", cast: "text", cell: (e) => text(e.conversationId) },
  { name: "turn_index", cast: "integer", cell: (e) => text(e.turnIndex) },
  { name: "caller_request_id", cast: "text", cell: (e) => text(e.requestId) },
  { name: "user_hash", cast: "text", cell: (e) => text(e.userHash) },
  { name: "session_id", cast: "text", cell: (e) => text(e.sessionId) },
  { name: "prompt_name", cast: "text", cell: (e) => text(e.promptName) },
  { name: "prompt_version", cast: "text", cell: (e) => text(e.promptVersion) },
  { name: "experiment_key", cast: "text", cell: (e) => text(e.experimentKey) },
  { name: "variant", cast: "text", cell: (e) => text(e.variant) },
  { name: "model", cast: "text", cell: (e) => text(e.model) },
  { name: "provider", cast: "text", cell: (e) => text(e.provider) },
  { name: "input", cast: "jsonb", cell: (e) => json(e.input) },
  { name: "output", cast: "jsonb", cell: (e) => json(e.output) },
  { name: "input_tokens", cast: "integer", cell: (e) => text(e.usage?.inputTokens) },
  { name: "output_tokens", cast: "integer", cell: (e) => text(e.usage?.outputTokens) },
  { name: "cached_input_tokens", cast: "integer", cell: (e) => text(e.usage?.cachedInputTokens) },
  { name: "tokens_estimated", cast: "boolean", cell: (e) => String(e.tokensEstimated) },
  {
    name: "cost_micros",
    cast: "bigint",
    cell: (e) =>
      text(e.costMicros ?? (e.costUsd === undefined ? null : Math.round(e.costUsd * 1e6))),
  },
  { name: "latency_ms", cast: "double precision", cell: (e) => text(e.latencyMs) },
  {
    name: "time_to_first_token_ms",
    cast: "double precision",
    cell: (e) => text(e.timeToFirstTokenMs),
  },
  { name: "status", cast: "text", cell: (e) => e.status ?? "ok" },
  { name: "error_message", cast: "text", cell: (e) => text(e.errorMessage) },
  { name: "tags", cast: "text[]", cell: (e) => arrayLiteral(e.tags ?? []) },
  { name: "metadata", cast: "jsonb", cell: (e) => json(e.metadata) },
  { name: "shadow_of", cast: "uuid", cell: (e) => text(e.shadowOf) },
];

const numberValue = (e: StoredFeedbackEvent) => (typeof e.value === "number" ? e.value : null);
const boolValue = (e: StoredFeedbackEvent) => (typeof e.value === "boolean" ? e.value : null);
const textValue = (e: StoredFeedbackEvent) => (typeof e.value === "string" ? e.value : null);

const FEEDBACK_COLUMNS: Column<StoredFeedbackEvent>[] = [
  { name: "ts", cast: "timestamptz", cell: (e) => storedTime(e.timestamp) },
  { name: "id", cast: "uuid", cell: (e) => e.id },
  { name: "request_id", cast: "uuid", cell: (e) => text(e.requestId) },
  { name: "conversation_id", cast: "text", cell: (e) => text(e.conversationId) },
  { name: "kind", cast: "text", cell: (e) => e.kind },
  { name: "name", cast: "text", cell: (e) => e.name },
  { name: "value_number", cast: "double precision", cell: (e) => text(numberValue(e)) },
  { name: "value_bool", cast: "boolean", cell: (e) => text(boolValue(e)) },
  { name: "value_text", cast: "text", cell: (e) => textValue(e) },
  { name: "scale_min", cast: "double precision", cell: (e) => text(e.scale?.min) },
  { name: "scale_max", cast: "double precision", cell: (e) => text(e.scale?.max) },
  { name: "edit_ratio", cast: "double precision", cell: (e) => text(e.editRatio) },
  { name: "comment", cast: "text", cell: (e) => text(e.comment) },
  { name: "source", cast: "text", cell: (e) => e.source ?? "user" },
  { name: "user_hash", cast: "text", cell: (e) => text(e.userHash) },
  { name: "session_id", cast: "text", cell: (e) => text(e.sessionId) },
  { name: "metadata", cast: "jsonb", cell: (e) => json(e.metadata) },
];

const EXPOSURE_COLUMNS: Column<StoredExposureEvent>[] = [
  { name: "ts", cast: "timestamptz", cell: (e) => storedTime(e.timestamp) },
  { name: "id", cast: "uuid", cell: (e) => e.id },
  { name: "experiment_key", cast: "text", cell: (e) => e.experimentKey },
  { name: "variant", cast: "text", cell: (e) => e.variant },
  { name: "unit_hash", cast: "text", cell: (e) => e.unitHash },
  { name: "metadata", cast: "jsonb", cell: (e) => json(e.metadata) },
];

function selectExpression(column: Column<unknown>): string {
  return `u.${column.name}::${column.cast}`;
}

/** The INSERT statement for a table: values only as `$n` array parameters. */
function insertStatement(table: string, columns: Column<never>[], returning: string): string {
  const names = columns.map((c) => c.name);
  const arrays = columns.map((_, i) => `$${i + 2}::text[]`);
  return `INSERT INTO ${table} (project_id, ${names.join(", ")})
    SELECT $1, ${columns.map((c) => selectExpression(c as Column<unknown>)).join(", ")}
    FROM unnest(${arrays.join(", ")}) AS u(${names.join(", ")})
    ON CONFLICT DO NOTHING
    RETURNING ${returning}`;
}

const RETURN_KEY = "id::text AS id, floor(extract(epoch FROM ts) * 1000)::float8 AS ms";

/**
 * Requests also start (or complete) their row in `request_rollups`, in the same statement and
 * only for the requests this statement inserted; rows are locked in id order, so concurrent
 * batches cannot deadlock.
 */
const INSERT_REQUESTS = `WITH inserted AS (
  ${insertStatement(
    "requests",
    REQUEST_COLUMNS as Column<never>[],
    "id, ts, prompt_name, prompt_version, experiment_key, variant, tags, shadow_of, status, cost_micros, latency_ms, user_hash",
  )}
), rolled_up AS (
  INSERT INTO request_rollups AS r (project_id, request_id, has_request, ts, prompt_name,
    prompt_version, experiment_key, variant, tags, shadow, is_error, cost_micros, latency_ms,
    user_hash)
  SELECT DISTINCT ON (id) $1, id, true, ts, prompt_name, prompt_version, experiment_key, variant,
    tags, shadow_of IS NOT NULL, status = 'error', cost_micros, latency_ms, user_hash
  FROM inserted ORDER BY id, ts
  ON CONFLICT (project_id, request_id) DO UPDATE SET
    has_request = true, ts = excluded.ts, prompt_name = excluded.prompt_name,
    prompt_version = excluded.prompt_version, experiment_key = excluded.experiment_key,
    variant = excluded.variant, tags = excluded.tags, shadow = excluded.shadow,
    is_error = excluded.is_error, cost_micros = excluded.cost_micros,
    latency_ms = excluded.latency_ms, user_hash = excluded.user_hash
  WHERE NOT r.has_request
)
SELECT ${RETURN_KEY} FROM inserted`;

const STATEMENTS = {
  requests: INSERT_REQUESTS,
  feedback: insertStatement("feedback", FEEDBACK_COLUMNS as Column<never>[], RETURN_KEY),
  exposures: insertStatement("exposures", EXPOSURE_COLUMNS as Column<never>[], RETURN_KEY),
};

/** The feedback names whose latest value `request_rollups` keeps (see VersionAggregate). */
const SIGNALS = new Set([
  "task_succeeded",
  "rating",
  "thumbs",
  "copied",
  "regenerated",
  "edited",
  "abandoned",
  "flagged",
]);

/** Folds newly stored feedback on requests into their rollups (one statement). */
async function rollUpFeedback(
  tx: Queryable,
  projectId: string,
  feedback: StoredFeedbackEvent[],
): Promise<void> {
  const signals = feedback.filter(
    (f) => f.requestId && (SIGNALS.has(f.name) || f.name.startsWith("flag.")),
  );
  if (signals.length === 0) return;
  await tx.query(
    `SELECT loopkit_rollup_feedback($1, $2::text[]::uuid[], $3::text[],
       $4::text[]::timestamptz[], $5::text[]::uuid[], $6::text[]::float8[], $7::text[]::boolean[],
       $8::text[]::float8[], $9::text[]::float8[])`,
    [
      projectId,
      signals.map((f) => f.requestId),
      signals.map((f) => f.name),
      signals.map((f) => storedTime(f.timestamp)),
      signals.map((f) => f.id),
      signals.map((f) => text(numberValue(f))),
      signals.map((f) => text(boolValue(f))),
      signals.map((f) => text(f.scale?.min)),
      signals.map((f) => text(f.scale?.max)),
    ],
  );
}

/** The idempotency key of an event within a project: its id and its time to the millisecond. */
function eventKey(id: string, ms: number): string {
  return `${id.toLowerCase()}@${ms}`;
}

async function insertInto<E extends StoredEvent>(
  tx: Queryable,
  table: keyof typeof STATEMENTS,
  columns: Column<E>[],
  projectId: string,
  events: E[],
): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const params: unknown[] = [projectId];
  for (const column of columns) params.push(textArrayParameter(events.map(column.cell)));
  const rows = await tx.query<{ id: string; ms: number }>(STATEMENTS[table], params);
  return new Set(rows.map((row) => eventKey(row.id, Number(row.ms))));
}

/** SQLSTATEs after which the whole transaction can simply run again. */
const RETRYABLE = new Set(["40P01", "40001"]); // deadlock_detected, serialization_failure

/**
 * Runs `attempt` again (up to 3 times in all) when PostgreSQL aborted it for a deadlock: two
 * concurrent batches, one holding a request's rollup that the other's feedback needs and the
 * other way round. An aborted attempt stored nothing and the batch is idempotent, so running it
 * again is safe.
 */
async function retryDeadlocks<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (tries >= 3 || typeof code !== "string" || !RETRYABLE.has(code)) throw error;
    }
  }
}

/**
 * Stores a batch of events of one project in one transaction, one statement per table, and
 * answers per event in input order: `accepted` when stored by this call, `duplicate` when an
 * event with the same id and timestamp was already stored (a retry) or came earlier in the batch.
 */
export async function insertEvents(
  db: Database,
  projectId: string,
  events: StoredEvent[],
): Promise<InsertOutcome[]> {
  const logs: StoredLogEvent[] = [];
  const feedback: StoredFeedbackEvent[] = [];
  const exposures: StoredExposureEvent[] = [];
  for (const event of events) {
    if (event.type === "log") logs.push(event);
    else if (event.type === "feedback") feedback.push(event);
    else exposures.push(event);
  }
  const store = async (tx: Queryable) => {
    const requests = await insertInto(tx, "requests", REQUEST_COLUMNS, projectId, logs);
    const feedbackRows = await insertInto(tx, "feedback", FEEDBACK_COLUMNS, projectId, feedback);
    const stored = feedback.filter((f) =>
      feedbackRows.has(eventKey(f.id, Math.floor(Date.parse(f.timestamp)))),
    );
    await rollUpFeedback(tx, projectId, stored);
    const exposureRows = await insertInto(tx, "exposures", EXPOSURE_COLUMNS, projectId, exposures);
    return { log: requests, feedback: feedbackRows, exposure: exposureRows };
  };
  // A batch of requests only, or of exposures only, is one statement, atomic by itself: it
  // needs no BEGIN and COMMIT round trips. Anything else runs in one transaction. Either is run
  // again when PostgreSQL picks it as a deadlock's victim (then nothing of it was stored): a
  // batch can cross another on request rollups (feedback on a request that the other batch is
  // inserting). Per-user totals take no locks here: the trigger on request_rollups only appends
  // to user_rollup_changes (migration 0010).
  const single = feedback.length === 0 && (logs.length === 0 || exposures.length === 0);
  const inserted = await retryDeadlocks(() => (single ? store(db) : db.transaction(store)));
  return events.map((event) => {
    const key = eventKey(event.id, Math.floor(Date.parse(event.timestamp)));
    const set = inserted[event.type];
    // The first event of a key in the batch takes the insert; a repeat finds it gone.
    return set.delete(key) ? "accepted" : "duplicate";
  });
}

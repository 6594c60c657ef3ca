/**
 * insertEvents against a raw COPY of identical rows: the ingest benchmark of `@loopkit/db`.
 */
import { newEventId } from "@loopkit/core";
import type pg from "pg";
import { createProject, type Database, insertEvents, type StoredLogEvent } from "../src/index.js";
import { copyFromStdin } from "./copy-rows.js";

/** Log events per insertEvents call and per COPY statement. */
export const BATCH = 100;

/** Rows per second of each way of writing the same log events. */
export interface InsertVsCopy {
  rows: number;
  /** Bytes of an event as JSON, on average. */
  bytesPerEvent: number;
  /** insertEvents, batches of {@link BATCH}. */
  insertRowsPerSecond: number;
  /** COPY, batches of {@link BATCH}, interleaved with insertEvents' (the baseline). */
  copyBatchedRowsPerSecond: number;
  /** COPY of all rows in one statement. */
  copySingleRowsPerSecond: number;
}

const WORDS =
  "the customer asked about their invoice and the refund policy for annual plans when upgrading from a monthly subscription in the middle of a billing period".split(
    " ",
  );

function text(chars: number, seed: number): string {
  let out = "";
  for (let i = seed; out.length < chars; i++) out += `${WORDS[(i * 7) % WORDS.length]} `;
  return out.slice(0, chars);
}

/** A log event as the server stores it: ~0.5 KB of chat input, ~1 KB of output, metadata. */
function realisticEvent(i: number, now: number): StoredLogEvent {
  const timestamp = new Date(now - (i % 86_400) * 1000).toISOString();
  return {
    type: "log",
    id: newEventId(Date.parse(timestamp)),
    timestamp,
    conversationId: `conv-${i % 5000}`,
    turnIndex: i % 7,
    requestId: `req-${i}`,
    userHash: `u${(i * 2654435761) % 100_000}`.padEnd(44, "x"),
    sessionId: `sess-${i % 20_000}`,
    promptName: "support-answer",
    promptVersion: `v${i % 4}`,
    model: "gpt-4o-mini",
    provider: "openai",
    input: [
      { role: "system", content: text(200, i) },
      { role: "user", content: text(300, i + 3) },
    ],
    output: text(1000, i + 5),
    usage: { inputTokens: 120 + (i % 50), outputTokens: 250 + (i % 90) },
    costMicros: 300 + (i % 200),
    tokensEstimated: false,
    latencyMs: 400 + (i % 1200),
    timeToFirstTokenMs: 80 + (i % 200),
    status: i % 50 === 0 ? "error" : "ok",
    tags: ["prod", i % 2 ? "eu" : "us"],
    metadata: {
      route: "/chat",
      plan: i % 3 ? "pro" : "free",
      region: "eu-west-1",
      build: "a1b2c3",
    },
  };
}

/** COPY text-format escaping of one field. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  const s = typeof value === "string" ? value : String(value);
  return s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

const COPY_COLUMNS = [
  "project_id",
  "ts",
  "id",
  "conversation_id",
  "turn_index",
  "caller_request_id",
  "user_hash",
  "session_id",
  "prompt_name",
  "prompt_version",
  "model",
  "provider",
  "input",
  "output",
  "input_tokens",
  "output_tokens",
  "tokens_estimated",
  "cost_micros",
  "latency_ms",
  "time_to_first_token_ms",
  "status",
  "tags",
  "metadata",
];

function copyLine(projectId: string, e: StoredLogEvent): string {
  const tags = `{${(e.tags ?? []).map((t) => `"${t.replace(/(["\\])/g, "\\$1")}"`).join(",")}}`;
  return `${[
    projectId,
    e.timestamp,
    e.id,
    e.conversationId,
    e.turnIndex,
    e.requestId,
    e.userHash,
    e.sessionId,
    e.promptName,
    e.promptVersion,
    e.model,
    e.provider,
    JSON.stringify(e.input),
    JSON.stringify(e.output),
    e.usage?.inputTokens,
    e.usage?.outputTokens,
    e.tokensEstimated,
    e.costMicros,
    e.latencyMs,
    e.timeToFirstTokenMs,
    e.status,
    tags,
    JSON.stringify(e.metadata),
  ]
    .map(copyField)
    .join("\t")}\n`;
}

/**
 * Writes `rows` realistic log events (~0.5 KB of chat input, ~1 KB of output, metadata) with
 * insertEvents in batches of {@link BATCH}, and the identical rows with COPY (pg-copy-streams on
 * a connection of `pool`) in batches of the same size, the batches of both interleaved, each
 * under its own project; then all rows again in one COPY. COPY's time includes formatting its
 * rows, as insertEvents' includes building its parameters.
 */
export async function measureInsertVsCopy(
  db: Database,
  pool: pg.Pool,
  rows: number,
): Promise<InsertVsCopy> {
  const now = Date.now();
  const events = Array.from({ length: rows }, (_, i) => realisticEvent(i, now));
  const bytes = Buffer.byteLength(JSON.stringify(events)) / rows;
  const viaInsert = (await createProject(db, { name: "bench-insert" })).id;
  const viaCopy = (await createProject(db, { name: "bench-copy" })).id;
  const viaCopyOnce = (await createProject(db, { name: "bench-copy-once" })).id;

  // insertEvents and COPY batches alternate (and swap which goes first), so both see the same
  // machine: on a shared machine the load changes from second to second. A COPY is one
  // statement, atomic without BEGIN/COMMIT, just like a batch of requests in insertEvents.
  const client = await pool.connect();
  try {
    let insertMs = 0;
    let copyMs = 0;
    const timeInsert = async (i: number) => {
      const start = performance.now();
      const outcomes = await insertEvents(db, viaInsert, events.slice(i, i + BATCH));
      insertMs += performance.now() - start;
      if (outcomes.some((o) => o !== "accepted"))
        throw new Error("bench: an event was not accepted");
    };
    const timeCopy = async (i: number) => {
      const start = performance.now();
      // Formatting the rows is part of COPY's work, as building parameters is insertEvents'.
      await copyFromStdin(client, "requests", COPY_COLUMNS, [
        events
          .slice(i, i + BATCH)
          .map((e) => copyLine(viaCopy, e))
          .join(""),
      ]);
      copyMs += performance.now() - start;
    };
    for (let i = 0; i < rows; i += BATCH) {
      if ((i / BATCH) % 2 === 0) {
        await timeInsert(i);
        await timeCopy(i);
      } else {
        await timeCopy(i);
        await timeInsert(i);
      }
    }
    const insertSeconds = insertMs / 1000;
    const copySeconds = copyMs / 1000;

    const start = performance.now();
    await copyFromStdin(client, "requests", COPY_COLUMNS, [
      events.map((e) => copyLine(viaCopyOnce, e)).join(""),
    ]);
    const copyOnceSeconds = (performance.now() - start) / 1000;
    return {
      rows,
      bytesPerEvent: Math.round(bytes),
      insertRowsPerSecond: rows / insertSeconds,
      copyBatchedRowsPerSecond: rows / copySeconds,
      copySingleRowsPerSecond: rows / copyOnceSeconds,
    };
  } finally {
    client.release();
  }
}

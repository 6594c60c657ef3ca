/**
 * `pnpm bench` for @loopkit/db, on the local PostgreSQL (LOOPKIT_BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres: a scratch database is created and dropped):
 *   1. ingest     — rows/s of insertEvents in batches of 100 realistic log events, against
 *                   COPY of identical rows (pg-copy-streams) in the same run, and their ratio
 *   2. aggregates — time of versionAggregates over 1M feedback rows (at scale 1), seeded in SQL
 *                   (requests, feedback, then their rollups as migration 0005 builds them):
 *                   without user ids, and with ~4 requests per user (moments per user); beside
 *                   it, in the same run, a bare SELECT count(*) of the same rollups as a floor
 * Sizes scale with --scale <x> or LOOPKIT_BENCH_SCALE; --smoke runs a tiny size.
 * Prints a markdown table and writes bench/results.json.
 */
import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { pipeline } from "node:stream/promises";
import { newEventId } from "@loopkit/core";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import {
  createDatabase,
  createProject,
  type Database,
  insertEvents,
  maintainPartitions,
  migrate,
  type StoredLogEvent,
  versionAggregates,
} from "../src/index.js";

const BATCH = 100;

function options() {
  const args = process.argv.slice(2);
  const smoke = args.includes("--smoke");
  const flag = args.indexOf("--scale");
  const scale = Number(
    flag >= 0 ? args[flag + 1] : (process.env.LOOPKIT_BENCH_SCALE ?? (smoke ? "0.01" : "1")),
  );
  if (!(scale > 0)) throw new Error(`--scale must be a number above 0 (got ${scale})`);
  return {
    scale,
    ingestRows: Math.max(BATCH * 2, Math.round(20_000 * scale)),
    feedbackRows: Math.max(1000, Math.round(1_000_000 * scale)),
  };
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

async function copyRows(client: pg.PoolClient, lines: string[]): Promise<void> {
  const stream = client.query(copyFrom(`COPY requests (${COPY_COLUMNS.join(", ")}) FROM STDIN`));
  await pipeline(async function* () {
    yield lines.join("");
  }, stream);
}

async function benchIngest(db: Database, pool: pg.Pool, rows: number) {
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
      await copyRows(
        client,
        events.slice(i, i + BATCH).map((e) => copyLine(viaCopy, e)),
      );
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
    await copyRows(
      client,
      events.map((e) => copyLine(viaCopyOnce, e)),
    );
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

/**
 * Fills a project with `feedbackRows` feedback on a quarter as many requests, in SQL. With
 * `users`, requests come from a quarter as many users (hashed ids), each within one version.
 */
async function seedFeedback(db: Database, projectId: string, feedbackRows: number, users: boolean) {
  const requests = Math.ceil(feedbackRows / 4);
  await db.query(
    `INSERT INTO requests (project_id, ts, id, prompt_name, prompt_version, status, cost_micros,
                           latency_ms, tags, user_hash)
     SELECT $1, now() - (g % 2000000) * interval '1 second', gen_random_uuid(), 'support',
            'v' || (g % 4), CASE WHEN g % 40 = 0 THEN 'error' ELSE 'ok' END, 200 + g % 500,
            300 + (g * 7919) % 2000, '{prod}',
            CASE WHEN $3 THEN md5('user' || (g % greatest(4, $2::int / 4))) END
     FROM generate_series(1, $2::int) g`,
    [projectId, requests, users],
  );
  await db.query(
    `INSERT INTO feedback (project_id, ts, id, request_id, kind, name, value_number, value_bool)
     SELECT r.project_id, r.ts + interval '1 minute', gen_random_uuid(), r.id, s.kind, s.name,
            CASE WHEN s.name = 'rating' THEN 1 + (abs(hashtext(r.id::text)) % 5) END,
            CASE WHEN s.name IN ('thumbs', 'task_succeeded') THEN hashtext(r.id::text || s.name) % 3 <> 0 END
     FROM requests r
     CROSS JOIN (VALUES ('explicit', 'rating'), ('explicit', 'thumbs'),
                        ('outcome', 'task_succeeded'), ('implicit', 'copied')) AS s(kind, name)
     WHERE r.project_id = $1`,
    [projectId],
  );
  // The rollups insertEvents keeps, built the way migration 0005 backfills them.
  await db.query(
    `INSERT INTO request_rollups (project_id, request_id, has_request, ts, prompt_name,
       prompt_version, experiment_key, variant, tags, shadow, is_error, cost_micros, latency_ms,
       user_hash)
     SELECT project_id, id, true, ts, prompt_name, prompt_version, experiment_key, variant, tags,
       shadow_of IS NOT NULL, status = 'error', cost_micros, latency_ms, user_hash
     FROM requests WHERE project_id = $1`,
    [projectId],
  );
  await db.query(
    `SELECT loopkit_rollup_feedback(project_id, array_agg(request_id), array_agg(name),
       array_agg(ts), array_agg(id), array_agg(value_number), array_agg(value_bool),
       array_agg(scale_min), array_agg(scale_max))
     FROM feedback WHERE project_id = $1 GROUP BY project_id`,
    [projectId],
  );
  await db.query("VACUUM ANALYZE request_rollups", []);
  await db.query("ANALYZE requests", []);
  await db.query("ANALYZE feedback", []);
  return requests;
}

/** Median and fastest of 9 timed runs (after one warm-up). */
async function timed(run: () => Promise<void>): Promise<{ medianMs: number; minMs: number }> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[4]!, minMs: times[0]! };
}

/**
 * versionAggregates over the seeded project, its runs interleaved with a bare count(*) of the
 * same rollups (the floor of reading them), so both see the same machine load.
 */
async function benchAggregates(db: Database, feedbackRows: number, users: boolean) {
  const projectId = (await createProject(db, { name: `bench-aggregates-${users}` })).id;
  const requests = await seedFeedback(db, projectId, feedbackRows, users);
  const aggregate = async () => {
    const rows = await versionAggregates(db, projectId, { promptName: "support" });
    if (rows.reduce((n, r) => n + r.requests, 0) !== requests) throw new Error("bench: bad count");
    if ((rows[0]?.unitMoments.unit === "user") !== users) throw new Error("bench: wrong unit");
  };
  const count = async () => {
    await db.query(
      "SELECT count(*) FROM request_rollups WHERE project_id = $1 AND prompt_name = $2",
      [projectId, "support"],
    );
  };
  const aggregates = await timed(aggregate);
  const floor = await timed(count);
  return { requests, feedbackRows: requests * 4, users, ...aggregates, countMs: floor.medianMs };
}

async function main() {
  const { scale, ingestRows, feedbackRows } = options();
  const adminUrl =
    process.env.LOOPKIT_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `loopkit_bench_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await createDatabase({ url: url.toString(), poolSize: 2 });
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  pool.on("error", () => {}); // DROP DATABASE … WITH (FORCE) below ends its idle connection
  try {
    await migrate(db);
    // Partitions for the seeded months (up to ~23 days back), like a live deployment's.
    await maintainPartitions(db, { now: new Date(Date.now() - 40 * 86_400_000), monthsAhead: 3 });
    const [version] = await db.query<{ v: string }>("SELECT current_setting($1) AS v", [
      "server_version",
    ]);
    const ingest = await benchIngest(db, pool, ingestRows);
    const aggregates = await benchAggregates(db, feedbackRows, false);
    const aggregatesByUser = await benchAggregates(db, feedbackRows, true);
    const ratio = ingest.insertRowsPerSecond / ingest.copyBatchedRowsPerSecond;
    const ratioSingle = ingest.insertRowsPerSecond / ingest.copySingleRowsPerSecond;
    const f = (n: number) => Math.round(n).toLocaleString("en-US");
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(" ");
    console.log(
      `\n@loopkit/db bench — PostgreSQL ${version?.v}, scale ${scale}, ${cpus().length} CPUs, load average at the end ${load}\n`,
    );
    console.log("| measure | value | target |");
    console.log("|---|---|---|");
    console.log(
      `| insertEvents, batches of ${BATCH} (${ingest.rows} events, ~${ingest.bytesPerEvent} B each) | ${f(ingest.insertRowsPerSecond)} rows/s | |`,
    );
    console.log(
      `| COPY, batches of ${BATCH} rows, interleaved with the above (baseline) | ${f(ingest.copyBatchedRowsPerSecond)} rows/s | |`,
    );
    console.log(`| insertEvents / COPY (batches of ${BATCH}) | ${ratio.toFixed(2)} | ≥ 0.6 |`);
    console.log(`| COPY, one stream of all rows | ${f(ingest.copySingleRowsPerSecond)} rows/s | |`);
    console.log(`| insertEvents / single COPY | ${ratioSingle.toFixed(2)} | |`);
    for (const a of [aggregates, aggregatesByUser]) {
      const who = a.users ? `, ${f(a.requests / 4)} users` : ", no user ids";
      console.log(
        `| versionAggregates over ${f(a.feedbackRows)} feedback rows (${f(a.requests)} requests${who}), median of 9 (fastest) | ${a.medianMs.toFixed(0)} ms (${a.minMs.toFixed(0)} ms) | < 500 ms |`,
      );
      console.log(
        `| SELECT count(*) of the same rollups (baseline, same run) | ${a.countMs.toFixed(0)} ms | |`,
      );
    }
    await writeFile(
      new URL("./results.json", import.meta.url),
      `${JSON.stringify({ scale, postgres: version?.v, loadAverage: loadavg(), ingest, ratio, ratioSingle, aggregates, aggregatesByUser }, null, 2)}\n`,
    );
  } finally {
    await pool.end();
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();

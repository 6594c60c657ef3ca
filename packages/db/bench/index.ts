/**
 * `pnpm bench` for @loopkit/db, on the local PostgreSQL (LOOPKIT_BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres: a scratch database is created and dropped):
 *   1. ingest     — rows/s of insertEvents in batches of 100 realistic log events, against
 *                   COPY of identical rows (pg-copy-streams) in the same run, and their ratio
 *   2. aggregates — time of versionAggregates over 1M feedback rows (at scale 1), seeded in SQL
 *                   (requests, feedback and their rollups as insertEvents leaves them, checked
 *                   against the feedback): without user ids, and with ~4 requests per user
 *                   (moments per user); beside it, in the same run, a bare SELECT count(*) of
 *                   the same rollups as a floor
 * The measuring functions live in modules of their own (ingest-vs-copy, aggregation,
 * seed-feedback, copy-rows, scratch-database, timing), which the repository's `pnpm bench`
 * (bench/) reuses.
 * Sizes scale with --scale <x> or LOOPKIT_BENCH_SCALE; --smoke runs a tiny size.
 * Prints a markdown table and writes bench/results.json.
 */
import { writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import pg from "pg";
import { createDatabase, maintainPartitions, migrate } from "../src/index.js";
import { measureAggregation } from "./aggregation.js";
import { BATCH, measureInsertVsCopy } from "./ingest-vs-copy.js";
import { createScratchDatabase } from "./scratch-database.js";

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

async function main() {
  const { scale, ingestRows, feedbackRows } = options();
  const adminUrl =
    process.env.LOOPKIT_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const scratch = await createScratchDatabase(adminUrl);
  const db = await createDatabase({ url: scratch.url, poolSize: 2 });
  const pool = new pg.Pool({ connectionString: scratch.url, max: 1 });
  pool.on("error", () => {}); // dropping the database with FORCE ends its idle connection
  try {
    await migrate(db);
    // Partitions for the seeded months (up to ~23 days back), like a live deployment's.
    await maintainPartitions(db, { now: new Date(Date.now() - 40 * 86_400_000), monthsAhead: 3 });
    const [version] = await db.query<{ v: string }>("SELECT current_setting($1) AS v", [
      "server_version",
    ]);
    const ingest = await measureInsertVsCopy(db, pool, ingestRows);
    const aggregates = await measureAggregation(db, feedbackRows, false);
    const aggregatesByUser = await measureAggregation(db, feedbackRows, true);
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
      const who = a.users === null ? ", no user ids" : `, ${f(a.users)} users`;
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
    await scratch.drop();
  }
}

await main();

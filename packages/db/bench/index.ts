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
 * Sizes scale with --scale <x> or LOOPKIT_BENCH_SCALE; --smoke runs a tiny size; --only ingest or
 * --only aggregates runs one of the two parts (the other is left out of the table and the JSON).
 * Prints a markdown table and writes bench/results.json.
 */
import { writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import pg from "pg";
import { createDatabase, maintainPartitions, migrate } from "../src/index.js";
import { measureAggregation } from "./aggregation.js";
import { BATCH, measureInsertVsCopy } from "./ingest-vs-copy.js";
import { createScratchDatabase } from "./scratch-database.js";

/** The parts of the bench, which `--only <part>` picks one of. */
const SECTIONS = ["ingest", "aggregates"] as const;
type Section = (typeof SECTIONS)[number];

function options() {
  const args = process.argv.slice(2);
  const smoke = args.includes("--smoke");
  const flag = args.indexOf("--scale");
  const scale = Number(
    flag >= 0 ? args[flag + 1] : (process.env.LOOPKIT_BENCH_SCALE ?? (smoke ? "0.01" : "1")),
  );
  if (!(scale > 0)) throw new Error(`--scale must be a number above 0 (got ${scale})`);
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
  if (only !== undefined && !SECTIONS.includes(only as Section)) {
    throw new Error(`--only must be one of ${SECTIONS.join(", ")} (got ${only})`);
  }
  return {
    scale,
    sections: only === undefined ? SECTIONS : [only as Section],
    ingestRows: Math.max(BATCH * 2, Math.round(20_000 * scale)),
    feedbackRows: Math.max(1000, Math.round(1_000_000 * scale)),
  };
}

async function main() {
  const { scale, sections, ingestRows, feedbackRows } = options();
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
    const f = (n: number) => Math.round(n).toLocaleString("en-US");
    const load = () =>
      loadavg()
        .map((l) => l.toFixed(1))
        .join(" ");
    const rows: string[] = [];
    const results: Record<string, unknown> = { scale, postgres: version?.v };
    if (sections.includes("ingest")) {
      const ingest = await measureInsertVsCopy(db, pool, ingestRows);
      const ratio = ingest.insertRowsPerSecond / ingest.copyBatchedRowsPerSecond;
      const ratioSingle = ingest.insertRowsPerSecond / ingest.copySingleRowsPerSecond;
      rows.push(
        `| insertEvents, batches of ${BATCH} (${ingest.rows} events, ~${ingest.bytesPerEvent} B each) | ${f(ingest.insertRowsPerSecond)} rows/s | |`,
        `| COPY, batches of ${BATCH} rows, interleaved with the above (baseline) | ${f(ingest.copyBatchedRowsPerSecond)} rows/s | |`,
        `| insertEvents / COPY (batches of ${BATCH}) | ${ratio.toFixed(2)} | ≥ 0.6 |`,
        `| COPY, one stream of all rows | ${f(ingest.copySingleRowsPerSecond)} rows/s | |`,
        `| insertEvents / single COPY | ${ratioSingle.toFixed(2)} | |`,
      );
      Object.assign(results, { ingest, ratio, ratioSingle, ingestLoadAverage: load() });
    }
    if (sections.includes("aggregates")) {
      for (const [key, byUser] of [
        ["aggregates", false],
        ["aggregatesByUser", true],
      ] as const) {
        const a = await measureAggregation(db, feedbackRows, byUser);
        const who = a.users === null ? ", no user ids" : `, ${f(a.users)} users`;
        rows.push(
          `| versionAggregates over ${f(a.feedbackRows)} feedback rows (${f(a.requests)} requests${who}), median of 9 (fastest), load average ${load()} | ${a.medianMs.toFixed(0)} ms (${a.minMs.toFixed(0)} ms) | < 500 ms |`,
          `| SELECT count(*) of the same rollups (baseline, same run) | ${a.countMs.toFixed(0)} ms | |`,
        );
        results[key] = { ...a, loadAverage: load() };
      }
    }
    console.log(
      `\n@loopkit/db bench — PostgreSQL ${version?.v}, scale ${scale}, ${cpus().length} CPUs, load average at the end ${load()}\n`,
    );
    console.log(["| measure | value | target |", "|---|---|---|", ...rows].join("\n"));
    await writeFile(
      new URL("./results.json", import.meta.url),
      `${JSON.stringify({ ...results, loadAverage: loadavg() }, null, 2)}\n`,
    );
  } finally {
    await pool.end();
    await db.close();
    await scratch.drop();
  }
}

await main();

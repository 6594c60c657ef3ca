/**
 * `pnpm bench` — Loopkit measured against physical baselines on the same machine, in the same
 * run (issue 9). Every figure stands beside a baseline measured minutes apart on the same
 * (possibly busy) machine; the ratio is the headline.
 *
 *   1. ingest      SDK → HTTP → server (child process) → PostgreSQL / PGlite, vs raw COPY
 *   2. sustained   a fixed rate at 50% of the measured maximum: p99 and server RSS over time
 *   3. sdk         ns per log() vs JSON.stringify; events/s delivered by one SDK instance
 *   4. redaction   redact() MiB/s vs one simple regex
 *   5. metrics     compareVersions over 1M and 10M feedback rows vs SELECT count(*); at 1M
 *                  also vs the same computed in JS from the fetched rows
 *   6. assignment  assignVariant per second vs one FNV-1a hash
 *
 * Flags: --scale <x> (sizes and durations × x), --smoke (tiny, for CI), --only <a,b>.
 * Prints a markdown table and writes bench/results.json.
 */
import { writeFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import pg from "pg";
import { measureAssignment } from "../../packages/core/bench/assignment-rate.js";
import { createScratchDatabase } from "../../packages/db/bench/scratch-database.js";
import {
  INGEST_SHAPE,
  ingestOnPglite,
  ingestOnPostgres,
  ingestRow,
  ingestSizes,
} from "./ingest-section.js";
import { measureIngestThroughput } from "./ingest-throughput.js";
import { measureMetricsQueries } from "./metrics-query.js";
import { type BenchOptions, parseBenchOptions, scaled } from "./options.js";
import { measureRedaction } from "./redaction-throughput.js";
import { count, markdownTable, mib, ms, type ReportRow } from "./report.js";
import { measureSdkCallCost } from "./sdk-call-cost.js";
import { startServerProcess } from "./server-process.js";
import { measureSustainedLoad } from "./sustained-load.js";

const rows: ReportRow[] = [];
const results: Record<string, unknown> = {};

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Events/s the sustained run takes half of: from the ingestion run, or a short probe. */
let maxEventsPerSecond: number | null = null;

async function runIngest(options: BenchOptions): Promise<void> {
  const sizes = ingestSizes(options);
  progress(`ingest: ${count(sizes.postgres)} log events on PostgreSQL`);
  const onPostgres = await ingestOnPostgres(options, sizes.postgres);
  maxEventsPerSecond = onPostgres.ingest.eventsPerSecond;
  rows.push(ingestRow(onPostgres));
  progress(`ingest: ${count(sizes.pglite)} log events on PGlite`);
  const onPglite = await ingestOnPglite(sizes.pglite);
  rows.push(ingestRow(onPglite));
  results.ingest = { postgres: onPostgres, pglite: onPglite };
}

async function runSustained(options: BenchOptions): Promise<void> {
  const database = await createScratchDatabase(options.adminUrl);
  try {
    const server = await startServerProcess({ databaseUrl: database.url });
    try {
      if (maxEventsPerSecond === null) {
        progress("sustained: probing the maximum rate first");
        const probe = await measureIngestThroughput(server, {
          logEvents: scaled(options, 20_000, 1_000),
          ...INGEST_SHAPE,
        });
        maxEventsPerSecond = probe.eventsPerSecond;
      }
      const rate = Math.round(maxEventsPerSecond / 2);
      const seconds = Math.max(4, Math.round(60 * options.scale));
      progress(`sustained: ${count(rate)} events/s for ${seconds} s`);
      const load = await measureSustainedLoad(server, {
        eventsPerSecond: rate,
        seconds,
        ...INGEST_SHAPE,
        windows: 6,
      });
      const first = load.windows[0]!;
      const last = load.windows[load.windows.length - 1]!;
      const window = (w: typeof first) =>
        `${w.fromSeconds.toFixed(0)}–${w.toSeconds.toFixed(0)} s: p99 ${ms(w.p99Ms)}, RSS ${w.serverRssBytes === null ? "–" : mib(w.serverRssBytes)}`;
      rows.push({
        benchmark: `Sustained ingestion on PostgreSQL at 50% of the maximum (${count(rate)} events/s offered, ${seconds} s, ${load.windows.length} windows)`,
        loopkit: `p99 ${ms(last.p99Ms)} in the last window`,
        baseline: `p99 ${ms(first.p99Ms)} in the first window`,
        ratio: `${load.p99Drift === null ? "–" : load.p99Drift.toFixed(2)}× p99 drift`,
        notes: `first ${window(first)}; last ${window(last)}; p99 by window ${load.windows.map((w) => (w.p99Ms === null ? "–" : w.p99Ms.toFixed(0))).join(", ")} ms; RSS by window ${load.windows.map((w) => (w.serverRssBytes === null ? "–" : (w.serverRssBytes / 2 ** 20).toFixed(0))).join(", ")} MiB; RSS growth ${load.rssGrowthBytes === null ? "–" : mib(load.rssGrowthBytes)}; achieved ${count(load.achievedEventsPerSecond)} events/s; max p99 of any window ${ms(Math.max(...load.windows.map((w) => w.p99Ms ?? 0)))}`,
      });
      results.sustained = load;
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
  }
}

async function runSdk(options: BenchOptions): Promise<void> {
  const calls = scaled(options, 200_000, 2_000);
  progress(`sdk: ${count(calls)} log() calls`);
  const cost = measureSdkCallCost(calls, options.smoke ? 1 : 5);
  rows.push({
    benchmark: `SDK: log() with a 1 KB payload, caller's path (${count(cost.calls)} calls)`,
    loopkit: `${cost.logNs.toFixed(0)} ns/call`,
    baseline: `${cost.stringifyNs.toFixed(0)} ns (JSON.stringify of the same ${cost.payloadBytes}-byte event)`,
    ratio: `${(cost.logNs / cost.stringifyNs).toFixed(2)}× stringify`,
    notes: `CPU time, best of ${options.smoke ? 1 : 5}; serialization happens later, when the batch is built`,
  });
  const delivered = scaled(options, 20_000, 1_000);
  progress(`sdk: ${count(delivered)} log events delivered by one SDK instance`);
  const database = await createScratchDatabase(options.adminUrl);
  try {
    const server = await startServerProcess({ databaseUrl: database.url });
    try {
      const one = await measureIngestThroughput(server, {
        logEvents: delivered,
        clients: 1,
        flushAt: INGEST_SHAPE.flushAt,
      });
      rows.push({
        benchmark: `SDK: events delivered by one SDK instance to the server on PostgreSQL (${count(one.events)} events, batches of ${one.flushAt})`,
        loopkit: `${count(one.eventsPerSecond)} events/s`,
        baseline:
          maxEventsPerSecond === null
            ? "–"
            : `${count(maxEventsPerSecond)} events/s (4 clients, above)`,
        ratio:
          maxEventsPerSecond === null
            ? "–"
            : `${(one.eventsPerSecond / maxEventsPerSecond).toFixed(2)} of 4 clients`,
        notes: `one batch in flight: p50 ${ms(one.batchLatencyP50Ms)}, p99 ${ms(one.batchLatencyP99Ms)} per batch`,
      });
      results.sdk = { callCost: cost, oneInstance: one };
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
  }
}

function runRedaction(options: BenchOptions): void {
  const bytes = scaled(options, 8 * 1024 * 1024, 256 * 1024);
  progress(`redaction: ${mib(bytes)} of chat text`);
  const r = measureRedaction(bytes, options.smoke ? 1 : 5);
  rows.push({
    benchmark: `Redaction: redact() on realistic chat text, 1% PII (${mib(r.bytes)}, ${count(r.messages)} messages)`,
    loopkit: `${r.redactMiBPerSecond.toFixed(1)} MiB/s`,
    baseline: `${r.regexMiBPerSecond.toFixed(1)} MiB/s (one email regex, one pass)`,
    ratio: `${(r.redactMiBPerSecond / r.regexMiBPerSecond).toFixed(2)} of the regex`,
    notes: `${count(r.findings)} findings; one core, CPU time, best of ${options.smoke ? 1 : 5}`,
  });
  results.redaction = r;
}

async function runMetrics(options: BenchOptions): Promise<void> {
  const sizes = [scaled(options, 1_000_000, 4_000), scaled(options, 10_000_000, 40_000)];
  progress(`metrics: seeding ${sizes.map(count).join(" then ")} feedback rows`);
  const database = await createScratchDatabase(options.adminUrl);
  try {
    const rounds = options.smoke ? 1 : 3;
    // The JS baseline at the smaller size only: 10M feedback rows fetched into JS take ~10 GiB.
    const timings = await measureMetricsQueries(database.url, sizes, rounds, sizes[0]!);
    for (const t of timings) {
      rows.push({
        benchmark: `Metrics: compareVersions over ${count(t.feedbackRows)} feedback rows on PostgreSQL (${count(t.requests)} requests, ${t.versions} versions)`,
        loopkit: ms(t.compareVersionsMs),
        baseline: `${ms(t.countMs)} (SELECT count(*) of the same rows)`,
        ratio: `${(t.compareVersionsMs / t.countMs).toFixed(2)}× count(*)`,
        notes: `versionAggregates (SQL over request_rollups) + compareVersions; median of ${rounds} after a warm-up; seeded in ${t.seedSeconds.toFixed(0)} s`,
      });
      if (t.inJs) {
        const { steps } = t.inJs;
        rows.push({
          benchmark: `Metrics: compareVersions over ${count(t.feedbackRows)} feedback rows in SQL vs in JS from the fetched rows`,
          loopkit: `${ms(t.compareVersionsMs)} (SQL, as above)`,
          baseline: `${ms(t.inJs.ms)} (SELECT the rows, build RequestRecords, compareVersions)`,
          ratio: `${(t.inJs.ms / t.compareVersionsMs).toFixed(1)}× faster in SQL`,
          notes: `JS: fetch ${ms(steps.fetchMs)} (${count(t.inJs.requestRows)} requests + ${count(t.inJs.feedbackRows)} feedback rows through pg), build ${ms(steps.buildMs)}, compareVersions ${ms(steps.computeMs)} (medians); same verdicts and requests per version checked every run; median of ${rounds} after a warm-up; smaller size only (about 1 GiB of RSS per 1M feedback rows fetched, so 10M would need about 10)`,
        });
      }
    }
    results.metrics = timings;
  } finally {
    await database.drop();
  }
}

function runAssignment(options: BenchOptions): void {
  const n = scaled(options, 2_000_000, 100_000);
  progress(`assignment: ${count(n)} assignments`);
  const a = measureAssignment(n, options.smoke ? 1 : 5);
  rows.push({
    benchmark: `Assignment: assignVariant(), 3 arms 50/25/25 (${count(a.assignments)} assignments)`,
    loopkit: `${(a.perSecond / 1e6).toFixed(2)} M/s`,
    baseline: `${(a.hashPerSecond / 1e6).toFixed(2)} M/s (one FNV-1a of the same key)`,
    ratio: `${(a.perSecond / a.hashPerSecond).toFixed(2)} of one hash`,
    notes: `${count(a.inExperiment)} in the experiment; one core, CPU time, best of ${options.smoke ? 1 : 5}`,
  });
  results.assignment = a;
}

async function postgresVersion(adminUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]!
      .server_version;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  const started = performance.now();
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    postgres: await postgresVersion(options.adminUrl),
    loadAverageAtStart: loadavg(),
  };
  const sections = {
    ingest: () => runIngest(options),
    sustained: () => runSustained(options),
    sdk: () => runSdk(options),
    redaction: async () => runRedaction(options),
    metrics: () => runMetrics(options),
    assignment: async () => runAssignment(options),
  } as const;
  for (const [name, run] of Object.entries(sections)) {
    if (options.only.has(name as keyof typeof sections)) await run();
  }
  const seconds = (performance.now() - started) / 1000;
  const load = loadavg().map((l) => l.toFixed(1));
  console.log(
    `\n## Loopkit benchmarks${options.smoke ? " (smoke run)" : options.scale !== 1 ? ` (scale ${options.scale})` : ""}\n`,
  );
  console.log(
    `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, PostgreSQL ${machine.postgres}; ` +
      `load average ${machine.loadAverageAtStart.map((l) => l.toFixed(1)).join(" ")} at start, ${load.join(" ")} at end; ${seconds.toFixed(0)} s\n`,
  );
  console.log(markdownTable(rows));
  await writeFile(
    options.resultsFile,
    `${JSON.stringify({ date: new Date().toISOString(), options: { ...options, only: [...options.only] }, machine, seconds, rows, results }, null, 2)}\n`,
  );
  console.log(`\nJSON: ${options.resultsFile}`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

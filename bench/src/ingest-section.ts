import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { createScratchDatabase } from "../../packages/db/bench/scratch-database.js";
import { type CopyBaseline, copyBaselinePglite, copyBaselinePostgres } from "./copy-baseline.js";
import { type IngestThroughput, measureIngestThroughput } from "./ingest-throughput.js";
import { type BenchOptions, scaled } from "./options.js";
import { count, mib, ms, type ReportRow } from "./report.js";
import { startServerProcess } from "./server-process.js";

/** How the ingestion runs send: concurrent SDK clients and the events per batch of each. */
export interface IngestShape {
  clients: number;
  flushAt: number;
}

/**
 * The ingestion runs' shape: four SDK clients (say, four app instances) configured as a
 * high-volume producer would be, with batches of 500 events, the most the server takes in one
 * batch (about 800 KB of these events, under the SDK's 1 MiB batch size). Each batch pays fixed
 * costs (HTTP request, key lookup, project policy, transaction, statement planning) and
 * concurrent transactions contend in PostgreSQL, so smaller batches cost more CPU per event:
 * bench/README.md has the measured grid.
 */
export const INGEST_SHAPE: IngestShape = { clients: 4, flushAt: 500 };

/** Ingestion on one storage, beside its raw COPY. */
export interface IngestResult {
  storage: "postgres" | "pglite";
  ingest: IngestThroughput;
  copy: CopyBaseline;
  /** Loopkit events/s over COPY rows/s. */
  ratio: number;
}

function checkStored(ingest: IngestThroughput, copy: CopyBaseline): void {
  if (copy.rows !== ingest.events) {
    throw new Error(`bench: the server stored ${copy.rows} rows of ${ingest.events} events sent`);
  }
}

/** End to end on PostgreSQL: a scratch database, the server as a child process, then COPY. */
export async function ingestOnPostgres(
  options: BenchOptions,
  logEvents: number,
  shape: IngestShape = INGEST_SHAPE,
): Promise<IngestResult> {
  const database = await createScratchDatabase(options.adminUrl);
  try {
    const server = await startServerProcess({ databaseUrl: database.url });
    let ingest: IngestThroughput;
    try {
      ingest = await measureIngestThroughput(server, {
        logEvents,
        ...shape,
        backends: { adminUrl: options.adminUrl, database: database.name },
      });
    } finally {
      await server.stop();
    }
    const copy = await copyBaselinePostgres(database.url);
    checkStored(ingest, copy);
    return {
      storage: "postgres",
      ingest,
      copy,
      ratio: ingest.eventsPerSecond / copy.rowsPerSecond,
    };
  } finally {
    await database.drop();
  }
}

/** End to end on embedded PGlite: the server on a fresh data folder, then COPY in-process. */
export async function ingestOnPglite(
  logEvents: number,
  shape: IngestShape = INGEST_SHAPE,
): Promise<IngestResult> {
  const dataDir = await mkdtemp(join(tmpdir(), "loopkit-bench-"));
  try {
    const server = await startServerProcess({ dataDir });
    let ingest: IngestThroughput;
    try {
      ingest = await measureIngestThroughput(server, {
        logEvents,
        ...shape,
      });
    } finally {
      await server.stop();
    }
    const copy = await copyBaselinePglite(dataDir);
    checkStored(ingest, copy);
    return { storage: "pglite", ingest, copy, ratio: ingest.eventsPerSecond / copy.rowsPerSecond };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Sizes of the ingestion section: 100,000 log events on PostgreSQL and 25,000 on PGlite at scale 1. */
export function ingestSizes(options: BenchOptions): { postgres: number; pglite: number } {
  return {
    postgres: scaled(options, 100_000, 2_000),
    // Embedded PGlite is one connection in the server's process: a smaller run keeps the whole
    // bench within 10 minutes on two cores.
    pglite: scaled(options, 25_000, 1_000),
  };
}

/**
 * Where the CPU went, per 1,000 events: the server, the database (PostgreSQL backends; on PGlite
 * it runs inside the server) and this process's SDK clients, beside the COPY's database CPU per
 * 1,000 rows. Less sensitive to a busy machine than events/s.
 */
function cpuNote({ ingest, copy, storage }: IngestResult): string {
  const parts = [`server ${count(ingest.serverCpuMsPerThousandEvents)} ms`];
  if (ingest.databaseCpuMsPerThousandEvents !== null) {
    parts.push(`PostgreSQL ${count(ingest.databaseCpuMsPerThousandEvents)} ms`);
  }
  parts.push(`SDK clients ${count(ingest.clientCpuMsPerThousandEvents)} ms`);
  const total =
    ingest.serverCpuMsPerThousandEvents +
    (ingest.databaseCpuMsPerThousandEvents ?? 0) +
    ingest.clientCpuMsPerThousandEvents;
  // CPU ms per 1,000 events × thousands of events per second = CPU ms per second: cores busy.
  const cores = (total * ingest.eventsPerSecond) / 1e6;
  const copyWhere = storage === "postgres" ? "PostgreSQL" : "PGlite";
  return `CPU per 1,000 events: ${parts.join(", ")}, ${count(total)} ms in all, ${cores.toFixed(2)} of ${availableParallelism()} cores busy (COPY: ${copyWhere} ${count(copy.databaseCpuMsPerThousandRows)} ms per 1,000 rows)`;
}

/** The four most frequent states of the PostgreSQL backends (running, idle, a wait event). */
function backendsNote({ ingest }: IngestResult): string | null {
  if (ingest.databaseStates === null) return null;
  const top = Object.entries(ingest.databaseStates).slice(0, 4);
  return `PostgreSQL backends ${top.map(([state, share]) => `${state} ${(share * 100).toFixed(0)}%`).join(", ")} of samples`;
}

/** The table row of one ingestion result. */
export function ingestRow(result: IngestResult): ReportRow {
  const { ingest, copy } = result;
  const name = result.storage === "postgres" ? "PostgreSQL" : "embedded PGlite";
  return {
    benchmark: `Ingestion end to end on ${name}: ${ingest.clients} SDK clients → HTTP → server → ${name} (${count(ingest.logEvents)} log events + ${count(ingest.events - ingest.logEvents)} feedback)`,
    loopkit: `${count(ingest.eventsPerSecond)} events/s`,
    baseline: `${count(copy.rowsPerSecond)} rows/s (raw COPY of the same rows, one process)`,
    ratio: `${result.ratio.toFixed(2)} of COPY`,
    notes: [
      `batch of ${ingest.flushAt}: p50 ${ms(ingest.batchLatencyP50Ms)}, p99 ${ms(ingest.batchLatencyP99Ms)}`,
      ingest.refusedBatches > 0
        ? `${count(ingest.refusedBatches)} batches refused and sent again (non-2xx answers)`
        : null,
      `server RSS peak ${mib(ingest.serverPeakRssBytes)}`,
      cpuNote(result),
      backendsNote(result),
      `${mib(copy.bytes)} of rows`,
    ]
      .filter((note) => note !== null)
      .join("; "),
  };
}

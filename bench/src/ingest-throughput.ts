import { type BackendActivity, sampleBackends } from "./backend-sampler.js";
import { percentile } from "./percentile.js";
import { readProcessCpuSeconds } from "./process-memory.js";
import { createClientPool } from "./sdk-clients.js";
import type { ServerProcess } from "./server-process.js";
import { sampleMemory } from "./server-process.js";

/** What {@link measureIngestThroughput} found. */
export interface IngestThroughput {
  clients: number;
  flushAt: number;
  logEvents: number;
  /** Log and feedback events delivered. */
  events: number;
  seconds: number;
  eventsPerSecond: number;
  batches: number;
  /** Batches answered with anything but 2xx (the SDK sent them again): none on a healthy run. */
  refusedBatches: number;
  /** Percentiles over the batches answered 2xx. */
  batchLatencyP50Ms: number | null;
  batchLatencyP99Ms: number | null;
  serverPeakRssBytes: number;
  /** CPU time the server process used per 1,000 events (less sensitive to a busy machine than events/s). */
  serverCpuMsPerThousandEvents: number;
  /** CPU time of the PostgreSQL backends serving the server, per 1,000 events (null on PGlite, which runs inside the server). */
  databaseCpuMsPerThousandEvents: number | null;
  /** What the PostgreSQL backends were doing, as shares of samples (null on PGlite). */
  databaseStates: BackendActivity["states"] | null;
  /** CPU time of this process (the workload and the SDK clients) per 1,000 events. */
  clientCpuMsPerThousandEvents: number;
}

/** The PostgreSQL database the server writes to, for the CPU time of its backends. */
export interface BackendsToSample {
  /** A database of the same server to sample from (not the one measured). */
  adminUrl: string;
  database: string;
}

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Sends the first `logEvents` events of the workload (log events, 30% with a feedback event)
 * from `clients` SDK clients as fast as the server takes them, and times it from the first
 * `log()` until every client's `shutdown()` resolved (all events acknowledged, so committed).
 * Producers wait while more than `highWater` events are queued, so memory stays bounded.
 */
export async function measureIngestThroughput(
  server: ServerProcess,
  options: {
    logEvents: number;
    clients: number;
    flushAt: number;
    highWater?: number;
    backends?: BackendsToSample;
  },
): Promise<IngestThroughput> {
  const highWater = options.highWater ?? options.clients * options.flushAt * 3;
  const memory = sampleMemory(server.pid);
  const backends = options.backends
    ? await sampleBackends(options.backends.adminUrl, options.backends.database)
    : null;
  const cpuBefore = await readProcessCpuSeconds(server.pid);
  const clientCpuBefore = process.cpuUsage();
  const pool = createClientPool(server.url, server.publicKey, options.clients, options.flushAt);
  const start = performance.now();
  let events = 0;
  for (let i = 0; i < options.logEvents; i++) {
    events += pool.logAt(i);
    if (i % 64 === 63) {
      await yieldToIo();
      while (pool.pending() > highWater) await new Promise((r) => setTimeout(r, 1));
    }
  }
  await pool.shutdown();
  const seconds = (performance.now() - start) / 1000;
  const { peakRssBytes } = await memory.stop();
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuSeconds = (await readProcessCpuSeconds(server.pid)) - cpuBefore;
  const database = backends ? await backends.stop() : null;
  const answered = pool.batches.filter((b) => b.status >= 200 && b.status < 300);
  const latencies = answered.map((b) => b.latencyMs);
  return {
    clients: options.clients,
    flushAt: options.flushAt,
    logEvents: options.logEvents,
    events,
    seconds,
    eventsPerSecond: events / seconds,
    batches: pool.batches.length,
    refusedBatches: pool.batches.length - answered.length,
    batchLatencyP50Ms: percentile(latencies, 0.5),
    batchLatencyP99Ms: percentile(latencies, 0.99),
    serverPeakRssBytes: peakRssBytes,
    serverCpuMsPerThousandEvents: (serverCpuSeconds * 1e6) / events,
    databaseCpuMsPerThousandEvents: database === null ? null : (database.cpuSeconds * 1e6) / events,
    databaseStates: database?.states ?? null,
    clientCpuMsPerThousandEvents: (clientCpu.user + clientCpu.system) / events,
  };
}

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
  batchLatencyP50Ms: number | null;
  batchLatencyP99Ms: number | null;
  serverPeakRssBytes: number;
  /** CPU time the server process used per 1,000 events (less sensitive to a busy machine than events/s). */
  serverCpuMsPerThousandEvents: number;
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
  options: { logEvents: number; clients: number; flushAt: number; highWater?: number },
): Promise<IngestThroughput> {
  const highWater = options.highWater ?? options.clients * options.flushAt * 3;
  const memory = sampleMemory(server.pid);
  const cpuBefore = await readProcessCpuSeconds(server.pid);
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
  const serverCpuSeconds = (await readProcessCpuSeconds(server.pid)) - cpuBefore;
  const latencies = pool.batches.map((b) => b.latencyMs);
  return {
    clients: options.clients,
    flushAt: options.flushAt,
    logEvents: options.logEvents,
    events,
    seconds,
    eventsPerSecond: events / seconds,
    batches: pool.batches.length,
    batchLatencyP50Ms: percentile(latencies, 0.5),
    batchLatencyP99Ms: percentile(latencies, 0.99),
    serverPeakRssBytes: peakRssBytes,
    serverCpuMsPerThousandEvents: (serverCpuSeconds * 1e6) / events,
  };
}

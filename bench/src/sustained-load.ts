import { percentile } from "./percentile.js";
import { createClientPool } from "./sdk-clients.js";
import { type ServerProcess, sampleMemory } from "./server-process.js";

/** One window of a sustained run. */
export interface LoadWindow {
  fromSeconds: number;
  toSeconds: number;
  /** Events offered in the window (per second). */
  eventsPerSecond: number;
  batches: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Mean resident memory of the server over the window. */
  serverRssBytes: number | null;
}

/** What {@link measureSustainedLoad} found. */
export interface SustainedLoad {
  targetEventsPerSecond: number;
  achievedEventsPerSecond: number;
  seconds: number;
  windows: LoadWindow[];
  serverPeakRssBytes: number;
  /** p99 of the last window over p99 of the first. */
  p99Drift: number | null;
  /** Server RSS of the last window minus the first. */
  rssGrowthBytes: number | null;
}

/**
 * Offers events at a fixed rate (`eventsPerSecond`, log and feedback events counted alike) for
 * `seconds` from `clients` SDK clients, a tick every 50 ms catching up to the schedule, then
 * cuts the run into `windows` equal windows: batch latency p50/p99 (by batch start) and the
 * server's mean resident memory (sampled every 250 ms) in each. Flat p99 and RSS mean the
 * server keeps up without queueing or leaking.
 */
export async function measureSustainedLoad(
  server: ServerProcess,
  options: {
    eventsPerSecond: number;
    seconds: number;
    clients: number;
    flushAt: number;
    windows: number;
  },
): Promise<SustainedLoad> {
  const memory = sampleMemory(server.pid);
  const pool = createClientPool(server.url, server.publicKey, options.clients, options.flushAt);
  const start = performance.now();
  const durationMs = options.seconds * 1000;
  let offered = 0;
  let i = 0;
  for (;;) {
    const elapsed = performance.now() - start;
    if (elapsed >= durationMs) break;
    const due = Math.floor((options.eventsPerSecond * elapsed) / 1000);
    while (offered < due) {
      offered += pool.logAt(i++);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const offeredSeconds = (performance.now() - start) / 1000;
  await pool.shutdown();
  const { samples, peakRssBytes } = await memory.stop();
  const windowMs = durationMs / options.windows;
  const windows: LoadWindow[] = [];
  for (let w = 0; w < options.windows; w++) {
    const from = w * windowMs;
    const to = from + windowMs;
    const batches = pool.batches.filter((b) => b.startMs >= from && b.startMs < to);
    const latencies = batches.map((b) => b.latencyMs);
    const rss = samples.filter((s) => s.atMs >= from && s.atMs < to).map((s) => s.rssBytes);
    windows.push({
      fromSeconds: from / 1000,
      toSeconds: to / 1000,
      eventsPerSecond: options.eventsPerSecond,
      batches: batches.length,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      serverRssBytes: rss.length ? rss.reduce((a, b) => a + b, 0) / rss.length : null,
    });
  }
  const first = windows[0]!;
  const last = windows[windows.length - 1]!;
  return {
    targetEventsPerSecond: options.eventsPerSecond,
    achievedEventsPerSecond: offered / offeredSeconds,
    seconds: options.seconds,
    windows,
    serverPeakRssBytes: peakRssBytes,
    p99Drift: first.p99Ms && last.p99Ms !== null ? last.p99Ms / first.p99Ms : null,
    rssGrowthBytes:
      first.serverRssBytes !== null && last.serverRssBytes !== null
        ? last.serverRssBytes - first.serverRssBytes
        : null,
  };
}

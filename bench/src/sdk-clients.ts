import { createLoopkit, type Loopkit } from "@loopkit/sdk";
import { feedbackAt, logEventAt } from "./workload.js";

/** One `ingest.batch` request as the SDK sent it. */
export interface BatchTiming {
  /** When it started, in ms since the pool was made. */
  startMs: number;
  /** From the fetch call to its response (the server's answer after its commit). */
  latencyMs: number;
  status: number;
}

/** Several SDK clients in this process, sending to one server, with every batch timed. */
export interface ClientPool {
  clients: Loopkit[];
  batches: BatchTiming[];
  /** Logs the `i`-th event of the workload (and its feedback, if it has one) on client `i % n`; returns the events enqueued. */
  logAt(i: number): number;
  /** Events enqueued but not yet settled, across clients. */
  pending(): number;
  /** Flushes and stops every client; throws if any event was not delivered. */
  shutdown(): Promise<void>;
}

/**
 * Makes `count` SDK clients for `url` with batches of `flushAt` events (each client keeps one
 * batch in flight, as the SDK does). Every fetch is timed through the SDK's `fetch` option.
 */
export function createClientPool(
  url: string,
  apiKey: string,
  count: number,
  flushAt: number,
): ClientPool {
  const origin = performance.now();
  const batches: BatchTiming[] = [];
  const errors: string[] = [];
  const timedFetch = async (input: string, init: RequestInit): Promise<Response> => {
    const start = performance.now();
    const response = await fetch(input, init);
    // The SDK reads the body next; the batch is answered when its headers arrive.
    batches.push({
      startMs: start - origin,
      latencyMs: performance.now() - start,
      status: response.status,
    });
    return response;
  };
  const clients = Array.from({ length: count }, () =>
    createLoopkit({
      baseUrl: url,
      apiKey,
      flushAt,
      flushIntervalMs: 1000,
      maxQueueSize: 1_000_000,
      flushOnExit: false,
      fetch: timedFetch,
      onError: (error) => errors.push(`${error.code}: ${error.message}`),
    }),
  );
  return {
    clients,
    batches,
    logAt(i) {
      const client = clients[i % count]!;
      const id = client.log(logEventAt(i));
      const feedback = feedbackAt(i, id);
      if (feedback) client.feedback(feedback);
      return feedback ? 2 : 1;
    },
    pending() {
      let n = 0;
      for (const client of clients) {
        const s = client.stats();
        n += s.queued - s.delivered - s.duplicates - s.rejected - s.failed - s.dropped;
      }
      return n;
    },
    async shutdown() {
      await Promise.all(clients.map((c) => c.shutdown()));
      const lost = clients.reduce((n, c) => {
        const s = c.stats();
        return n + s.rejected + s.failed + s.dropped;
      }, 0);
      if (lost > 0 || errors.length > 0) {
        throw new Error(
          `bench: ${lost} events were not delivered; first errors: ${errors.slice(0, 3).join(" | ")}`,
        );
      }
    },
  };
}

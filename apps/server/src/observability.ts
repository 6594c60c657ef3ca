import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The Prometheus metrics the server exposes at `/metrics`. */
export function createServerMetrics(inFlight: () => number) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "loopkit_http_requests_total",
    help: "HTTP requests by procedure and status",
    labelNames: ["procedure", "status"] as const,
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: "loopkit_ingest_batch_seconds",
    help: "Time to answer an ingest.batch call",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const events = new Counter({
    name: "loopkit_events_total",
    help: "Events received by ingest.batch, by outcome (accepted, duplicate, rejected)",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "loopkit_ingest_batches_in_flight",
    help: "ingest.batch calls being processed",
    registers: [registry],
    collect() {
      this.set(inFlight());
    },
  });
  return {
    registry,
    /** Records the outcome counts of one committed ingest batch. */
    ingested(counts: { accepted: number; duplicates: number; rejected: number }): void {
      events.inc({ status: "accepted" }, counts.accepted);
      events.inc({ status: "duplicate" }, counts.duplicates);
      events.inc({ status: "rejected" }, counts.rejected);
    },
    /** Records one answered API request. */
    observe(procedure: string, status: number, ms: number): void {
      requests.inc({ procedure, status: String(status) });
      if (procedure === "ingest.batch") batchSeconds.observe(ms / 1000);
    },
  };
}

/**
 * Ingest latency: p50/p99 of `ingest.batch` with 100-event batches, through a real HTTP server
 * (Node http + the tRPC handler) on each database driver, from the client's side (request sent →
 * answer read, which is after the commit). Batches are sent one at a time so the figure is the
 * latency of one batch, not queueing. Prints a markdown table.
 *
 *   pnpm bench            200 timed batches per driver after 20 warm-up batches
 *   pnpm bench --smoke    5 timed batches after 2 (checks the script runs)
 *
 * PostgreSQL is measured when it answers at LOOPKIT_TEST_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres); a fresh database is made and dropped.
 */
import { cpus } from "node:os";
import { newEventId } from "@loopkit/core";
import { testDrivers } from "@loopkit/db/testing";
import { startTestServer } from "../src/testing.js";

const smoke = process.argv.includes("--smoke");
const WARMUP = smoke ? 2 : 20;
const BATCHES = smoke ? 5 : 200;
const BATCH_SIZE = 100;

/** A realistic log event: chat input, answer, model, usage, user id and metadata. */
function event(i: number) {
  return {
    type: "log",
    id: newEventId(),
    timestamp: new Date().toISOString(),
    promptName: "support",
    promptVersion: i % 2 === 0 ? "v1" : "v2",
    model: "gpt-4o-mini",
    input: [
      { role: "system", content: "You are a helpful support agent for an online store." },
      { role: "user", content: `Where is my order #${100000 + i}? I ordered it last week.` },
    ],
    output: "Your order shipped on Monday and should arrive within 3 business days.",
    usage: { inputTokens: 42, outputTokens: 18 },
    latencyMs: 640 + (i % 50),
    userId: `user-${i % 300}`,
    tags: ["bench"],
    metadata: { region: "eu", plan: i % 3 === 0 ? "pro" : "free" },
  };
}

function percentile(sorted: number[], p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

async function measure(driver: "pglite" | "postgres") {
  const server = await startTestServer(driver);
  try {
    const times: number[] = [];
    for (let b = 0; b < WARMUP + BATCHES; b++) {
      const body = JSON.stringify({
        events: Array.from({ length: BATCH_SIZE }, (_, i) => event(b * BATCH_SIZE + i)),
      });
      const started = performance.now();
      const response = await fetch(`${server.url}/trpc/ingest.batch`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${server.a.publicKey}`,
          "content-type": "application/json",
        },
        body,
      });
      const answer = (await response.json()) as { result?: { data: { accepted: number } } };
      const ms = performance.now() - started;
      if (answer.result?.data.accepted !== BATCH_SIZE) {
        throw new Error(
          `batch ${b} was not fully accepted: ${JSON.stringify(answer).slice(0, 300)}`,
        );
      }
      if (b >= WARMUP) times.push(ms);
    }
    times.sort((x, y) => x - y);
    return {
      driver,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      mean: times.reduce((s, t) => s + t, 0) / times.length,
      eventsPerSecond: (BATCH_SIZE * times.length) / (times.reduce((s, t) => s + t, 0) / 1000),
    };
  } finally {
    await server.close();
  }
}

const rows = [];
for (const driver of await testDrivers()) rows.push(await measure(driver));

console.log(
  `\n### ingest.batch latency, ${BATCH_SIZE}-event batches, ${BATCHES} batches sent one at a time` +
    `${smoke ? " (smoke run)" : ""}\n\nNode ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"})\n`,
);
console.log("| driver | p50 (ms) | p99 (ms) | mean (ms) | events/s (serial) |");
console.log("|---|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(
    `| ${r.driver} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.mean.toFixed(1)} | ${Math.round(r.eventsPerSecond)} |`,
  );
}

/**
 * `pnpm bench` (`--smoke` for a tiny run): the cost of `log()` on the caller's path with 1 KB
 * payloads, against `JSON.stringify` of the same event as the baseline, and events per second
 * delivered end to end to the real server (`@loopkit/server/testing`, embedded PGlite).
 * Prints a markdown table.
 */
import { cpus, loadavg } from "node:os";
import { newEventId } from "@loopkit/core";
import { startTestServer } from "@loopkit/server/testing";
import { createLoopkit } from "../src/index.js";
import { UNSENT_CLIENT } from "./unsent-client.js";

const smoke = process.argv.includes("--smoke");
const CALLS = smoke ? 2_000 : 200_000;
const ROUNDS = smoke ? 1 : 5;
const DELIVERED = smoke ? 500 : 20_000;

const payload = "x".repeat(1024);
const event = {
  promptName: "bench",
  promptVersion: "v1",
  model: "gpt-4o-mini",
  output: payload,
  usage: { inputTokens: 120, outputTokens: 240 },
  latencyMs: 812,
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * ns per `log()` on the caller's path (enqueueing, id and timestamp; the event is serialized
 * later, when its batch is built, which the end-to-end figure includes) and ns per
 * `JSON.stringify` of the same event as the client builds it, measured in alternating slices of
 * 400 calls so that a busy machine slows both alike. Each `log()` slice runs on a fresh client,
 * so `flushAt` (500) never triggers a send inside the timed loop. Round 0 warms up the JIT.
 */
function measureLogAndBaseline(): { logNs: number; stringifyNs: number; ratio: number } {
  const logSamples: number[] = [];
  const stringifySamples: number[] = [];
  const ratios: number[] = [];
  const slice = 400;
  let sink = 0;
  for (let round = 0; round < ROUNDS + 1; round++) {
    let logElapsed = 0n;
    let stringifyElapsed = 0n;
    for (let done = 0; done < CALLS; done += slice) {
      const loopkit = createLoopkit(UNSENT_CLIENT);
      let start = process.hrtime.bigint();
      for (let i = 0; i < slice; i++) loopkit.log(event);
      logElapsed += process.hrtime.bigint() - start;
      start = process.hrtime.bigint();
      for (let i = 0; i < slice; i++) {
        sink += JSON.stringify({
          ...event,
          type: "log",
          id: "0190a5d2-0000-7000-8000-000000000001",
          timestamp: "2026-01-01T00:00:00.000Z",
        }).length;
      }
      stringifyElapsed += process.hrtime.bigint() - start;
    }
    if (round === 0) continue;
    logSamples.push(Number(logElapsed) / CALLS);
    stringifySamples.push(Number(stringifyElapsed) / CALLS);
    ratios.push(Number(logElapsed) / Number(stringifyElapsed));
  }
  if (sink === 0) throw new Error("unreachable");
  return {
    logNs: median(logSamples),
    stringifyNs: median(stringifySamples),
    ratio: median(ratios),
  };
}

/** Events per second from the first `log()` to `shutdown()` resolving, all stored. */
async function measureDelivery(): Promise<{
  perSecond: number;
  stored: number;
  requests: number;
  awaitingServerShare: number;
}> {
  const server = await startTestServer("pglite");
  try {
    let requests = 0;
    let awaitingMs = 0;
    const loopkit = createLoopkit({
      baseUrl: server.url,
      apiKey: server.a.publicKey,
      flushAt: 200,
      maxQueueSize: DELIVERED,
      // The global fetch, timed: how much of the run is spent waiting for the server's answer.
      fetch: async (url, init) => {
        requests++;
        const started = performance.now();
        try {
          return await fetch(url, init);
        } finally {
          awaitingMs += performance.now() - started;
        }
      },
    });
    const start = process.hrtime.bigint();
    for (let i = 0; i < DELIVERED; i++) {
      loopkit.log({ ...event, id: newEventId() });
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    await loopkit.shutdown();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const [row] = await server.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM requests WHERE project_id = $1",
      [server.a.id],
    );
    if (row!.n !== DELIVERED) throw new Error(`stored ${row!.n} of ${DELIVERED} events`);
    return {
      perSecond: DELIVERED / seconds,
      stored: row!.n,
      requests,
      awaitingServerShare: awaitingMs / 1000 / seconds,
    };
  } finally {
    await server.close();
  }
}

const { logNs, stringifyNs, ratio } = measureLogAndBaseline();
const delivery = await measureDelivery();
console.log(`\n@loopkit/sdk bench${smoke ? " (smoke)" : ""} — Node ${process.version}\n`);
console.log("| measure | value |");
console.log("|---|---:|");
console.log(
  `| log() with a 1 KB payload (${CALLS.toLocaleString("en")} calls, median of ${ROUNDS}) | ${logNs.toFixed(0)} ns |`,
);
console.log(`| JSON.stringify of the same event (baseline) | ${stringifyNs.toFixed(0)} ns |`);
console.log(`| log() / JSON.stringify | ${ratio.toFixed(2)}× (median of per-round ratios) |`);
console.log(
  `| delivered end to end to the server on PGlite (${delivery.stored.toLocaleString("en")} events, flushAt 200) | ${Math.round(delivery.perSecond).toLocaleString("en")} events/s |`,
);
console.log(
  `| … of that time, waiting for the server's answers (${delivery.requests} requests) | ${(delivery.awaitingServerShare * 100).toFixed(0)}% |`,
);
console.log(
  `\nload average at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(", ")} on ${cpus().length} cores`,
);

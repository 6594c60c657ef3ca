/**
 * Evaluator benchmark: judgments per second at concurrency 1, 8 and 32 against the local
 * OpenAI-compatible server with 200 ms latency, and the evaluator's own overhead per judgment
 * (claim, cache lookup, hashing, validation, recording) with the LLM's time taken out.
 *
 *   pnpm bench            full run (about half a minute)
 *   pnpm bench --smoke    a few items per case, to check the benchmark still works
 *
 * Runs are stored in a fresh migrated database per driver: embedded PGlite, and PostgreSQL
 * when it answers (see @loopkit/db/testing); results go to bench/results.json.
 */
import { writeFile } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { createEvaluationStore, type Database } from "@loopkit/db";
import { openTestDatabase, type TestDriver, testDrivers } from "@loopkit/db/testing";
import { startOpenAITestServer } from "@loopkit/openai-test-server";
import OpenAI from "openai";
import type { EvaluationStore } from "../src/evaluation-store.js";
import { createRubricJudge } from "../src/rubric-judge.js";
import { executeEvaluationRun } from "../src/run-evaluation.js";

const smoke = process.argv.includes("--smoke");
const LATENCY_MS = 200;

async function createRun(store: EvaluationStore, project: string, items: number, tag: string) {
  return store.createEvaluationRun({
    projectId: project,
    kind: "rubric",
    judgeConfig: {},
    versions: ["bench"],
    items: Array.from({ length: items }, (_, i) => ({
      version: "bench",
      input: `${tag} question ${i}: how do I reset my password?`,
      outputs: { output: `Open Settings, choose Security, then Reset password (${i}).` },
    })),
  });
}

async function benchDriver(driver: TestDriver) {
  const database: Database = await openTestDatabase(driver);
  const store: EvaluationStore = createEvaluationStore(database);
  const server = await startOpenAITestServer({ latencyMs: LATENCY_MS });
  const judge = createRubricJudge({
    llm: { model: "bench-judge", baseURL: server.baseURL, apiKey: "bench", maxRetries: 0 },
  });
  const results: Record<string, unknown> = { driver, throughput: [] };

  for (const concurrency of [1, 8, 32]) {
    const items = smoke ? concurrency * 2 : Math.max(20, concurrency * 10);
    const run = await createRun(store, "bench", items, `c${concurrency}`);
    const started = performance.now();
    const done = await executeEvaluationRun({
      store,
      projectId: "bench",
      runId: run.id,
      judge,
      concurrency,
      useCache: false,
    });
    const seconds = (performance.now() - started) / 1000;
    const row = {
      concurrency,
      items,
      seconds: round(seconds, 2),
      judgmentsPerSecond: round(done.progress.done / seconds, 1),
      idealPerSecond: round(concurrency / (LATENCY_MS / 1000), 1),
    };
    (results.throughput as unknown[]).push(row);
    console.log(
      `[${driver}] concurrency ${concurrency}: ${row.judgmentsPerSecond} judgments/s (${items} items in ${row.seconds}s; ideal ${row.idealPerSecond}/s)`,
    );
  }

  // Overhead: the same judgments with no latency, minus bare SDK calls of the same requests.
  server.setLatency(0);
  const n = smoke ? 20 : 300;
  const warm = await createRun(store, "overhead", 10, "warm");
  await executeEvaluationRun({
    store,
    projectId: "overhead",
    runId: warm.id,
    judge,
    concurrency: 1,
  });
  const run = await createRun(store, "overhead", n, "overhead");
  let started = performance.now();
  await executeEvaluationRun({
    store,
    projectId: "overhead",
    runId: run.id,
    judge,
    concurrency: 1,
    useCache: false,
  });
  const perJudgmentMs = (performance.now() - started) / n;

  const client = new OpenAI({ baseURL: server.baseURL, apiKey: "bench", maxRetries: 0 });
  const requests = server.requests
    .slice(-n)
    .map((r) => r.body as OpenAI.ChatCompletionCreateParamsNonStreaming);
  started = performance.now();
  for (const body of requests) await client.chat.completions.create(body);
  const bareCallMs = (performance.now() - started) / n;
  // The judge alone (prompt, structured-output parse, zod validation), without the store.
  started = performance.now();
  for (let i = 0; i < n; i++) {
    await judge.judge({ input: `judge-only ${i}`, output: "Open Settings, then Security." });
  }
  const judgeOnlyMs = (performance.now() - started) / n;
  results.overhead = {
    judgments: n,
    perJudgmentMs: round(perJudgmentMs, 3),
    bareLlmCallMs: round(bareCallMs, 3),
    overheadPerJudgmentMs: round(perJudgmentMs - bareCallMs, 3),
    judgeOverheadMs: round(judgeOnlyMs - bareCallMs, 3),
    storeAndLoopOverheadMs: round(perJudgmentMs - judgeOnlyMs, 3),
  };
  console.log(
    `[${driver}] overhead: ${round(perJudgmentMs, 3)} ms per judgment at 0 ms latency, ${round(bareCallMs, 3)} ms per bare SDK call → ${round(perJudgmentMs - bareCallMs, 3)} ms evaluator overhead per judgment (judge ${round(judgeOnlyMs - bareCallMs, 3)} ms, store and loop ${round(perJudgmentMs - judgeOnlyMs, 3)} ms)`,
  );

  await server.close();
  await database.close();
  return results;
}

async function main() {
  const loadBefore = loadavg()[0];
  const drivers = [];
  for (const driver of await testDrivers()) drivers.push(await benchDriver(driver));
  const results = {
    latencyMs: LATENCY_MS,
    cores: availableParallelism(),
    // Other processes share the machine: the 1-minute load average says how much.
    loadAverage1m: { before: round(loadBefore, 2), after: round(loadavg()[0], 2) },
    drivers,
  };
  if (!smoke) {
    const file = new URL("./results.json", import.meta.url);
    await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  }
}

function round(x: number, digits: number): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

await main();

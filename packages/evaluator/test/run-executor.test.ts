import { createEvaluationStore, type Database } from "@loopkit/db";
import { openTestDatabase, testDrivers } from "@loopkit/db/testing";
import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { versionEvaluationRun } from "../src/evaluate.js";
import type { LeasedEvaluationStore } from "../src/evaluation-store.js";
import { createRubricJudge } from "../src/rubric-judge.js";
import { createRunExecutor, type RunExecutor, type RunExecutorEvent } from "../src/run-executor.js";

// Run executors on real databases (PGlite and PostgreSQL) against the local OpenAI-compatible
// server. Every item carries a marker, so the judge calls made for each item are counted where
// they arrive: the expected count is one per item, except where a test says why.

const marker = (i: number) => `<<item-${i}>>`;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => Promise<T> | T, ok: (value: T) => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await wait(25);
  }
}

describe.each(await testDrivers())("run executors on %s", (driver) => {
  let db: Database;
  let store: LeasedEvaluationStore;
  let llm: OpenAITestServer;
  const executors: RunExecutor[] = [];
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    store = createEvaluationStore(db);
  });
  afterEach(async () => {
    await Promise.all(executors.splice(0).map((e) => e.stopAll()));
    await llm?.close();
  });
  afterAll(() => db.close());

  function executor(options: { leaseMs?: number; exclusive?: boolean } = {}) {
    const events: RunExecutorEvent[] = [];
    const errors: unknown[] = [];
    const created = createRunExecutor({
      store,
      llm: { baseURL: llm.baseURL, apiKey: "test-key", maxRetries: 0 },
      leaseMs: options.leaseMs ?? 30_000,
      exclusiveDatabase: options.exclusive ?? false,
      onEvent: (e) => events.push(e),
      onError: (e) => errors.push(e),
    });
    executors.push(created);
    return { executor: created, events, errors };
  }

  const newRun = (projectId: string, items: number, concurrency = 2) =>
    versionEvaluationRun({
      projectId,
      version: "v1",
      concurrency,
      judge: createRubricJudge({ llm: { model: "test-model", apiKey: "unused" } }),
      dataset: Array.from({ length: items }, (_, i) => ({
        input: `question ${marker(i)}`,
        output: `answer ${marker(i)}`,
      })),
    });

  const callsPerItem = (items: number) =>
    Array.from(
      { length: items },
      (_, i) => llm.requests.filter((r) => JSON.stringify(r.body).includes(marker(i))).length,
    );

  const finished = (events: RunExecutorEvent[], runId: string) =>
    until(
      () => events.find((e) => e.kind === "finished" && e.run.id === runId),
      (e) => e !== undefined,
    );

  it("executes a started run with its stored judge, budget and concurrency, each item judged once", async () => {
    llm = await startOpenAITestServer({ latencyMs: 20 });
    const { executor: a, events, errors } = executor();
    const run = await a.start(newRun("x1", 6, 3));
    expect(run).toMatchObject({ autoResume: true, concurrency: 3, status: "pending" });
    const done = await finished(events, run.id);
    expect(done).toMatchObject({ run: { status: "completed", progress: { done: 6 } } });
    expect(callsPerItem(6)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(errors).toEqual([]);
    // Finished: released, and never claimed again.
    expect(await executor().executor.resumeAbandonedRuns()).toBe(0);
  });

  it("resumes a run whose process died: one of two executors claims it, and finished items are not judged again", async () => {
    llm = await startOpenAITestServer({ latencyMs: 20 });
    const items = 8;
    const run = await store.createEvaluationRun({
      ...newRun("x2", items),
      lease: { owner: "dead-process", leaseMs: 2_000 },
    });
    // The dead process had judged item 0 and was judging items 1 and 2.
    await store.setRunStatus("x2", run.id, "running");
    await store.claimPendingItems("x2", run.id, 3, 300_000);
    await store.recordJudgment("x2", run.id, 0, 1, {
      status: "done",
      judgment: { scores: {} },
      costUsd: 0.01,
      inputTokens: 1,
      outputTokens: 1,
      cached: false,
      error: null,
      cacheKey: null,
    });
    const b = executor({ leaseMs: 2_000 });
    const c = executor({ leaseMs: 2_000 });
    expect(await b.executor.resumeAbandonedRuns()).toBe(0); // its lease is still live
    await wait(2_100);
    const claims = await Promise.all([
      b.executor.resumeAbandonedRuns(),
      c.executor.resumeAbandonedRuns(),
    ]);
    const winner = claims[0] === 1 ? b : c;
    expect([...claims].sort()).toEqual([0, 1]);
    expect(winner.events[0]).toMatchObject({ kind: "resumed", previousOwner: "dead-process" });
    const done = await finished(winner.events, run.id);
    expect(done).toMatchObject({ run: { status: "completed", progress: { done: items } } });
    // Item 0 was judged by the dead process (outside this server); 1 and 2, claimed but
    // unfinished when it died, are judged once here like the rest.
    expect(callsPerItem(items)).toEqual([0, 1, 1, 1, 1, 1, 1, 1]);
  });

  it("on stopAll pauses and releases its runs, which another executor resumes at once", async () => {
    llm = await startOpenAITestServer({ latencyMs: 150 });
    const items = 10;
    const a = executor();
    const run = await a.executor.start(newRun("x3", items));
    await until(
      () => store.getRun("x3", run.id),
      (r) => (r?.progress.done ?? 0) >= 3,
    );
    await a.executor.stopAll();
    const stopped = await store.getRun("x3", run.id);
    expect(stopped).toMatchObject({ status: "paused", progress: { running: 0 } });
    expect(a.events.at(-1)).toMatchObject({ kind: "released", reason: "stopping" });
    const doneAtStop = (await store.listItems("x3", run.id))
      .filter((i) => i.status === "done")
      .map((i) => i.itemIndex);

    const b = executor();
    expect(await b.executor.resumeAbandonedRuns()).toBe(1);
    expect(b.events[0]).toMatchObject({ kind: "resumed", previousOwner: null });
    expect(await finished(b.events, run.id)).toMatchObject({ run: { status: "completed" } });
    const calls = callsPerItem(items);
    for (const i of doneAtStop) expect(calls[i], `item ${i} was done at the stop`).toBe(1);
    // Calls aborted by the stop (at most one per concurrent slot) are made again.
    const twice = calls.flatMap((n, i) => (n === 2 ? [i] : []));
    expect(twice.length).toBeLessThanOrEqual(2);
    expect(calls.every((n) => n === 1 || n === 2)).toBe(true);
  });

  it("stops promptly on stopAll while calls are stuck: in a slow answer, or in a stalled body", async () => {
    llm = await startOpenAITestServer();
    // Two items at once: the first call gets its headers and half a body, then stalls; the
    // second waits 10 s before answering.
    llm.setFaults({ kind: "stalled-body" }, { kind: "slow", delayMs: 10_000 });
    const a = executor();
    const run = await a.executor.start(newRun("x5", 4));
    await until(
      () => llm.requests.length,
      (n) => n >= 2,
    );
    const started = Date.now();
    await a.executor.stopAll();
    // Aborting in-flight calls is immediate; the bound leaves room for the database writes.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await store.getRun("x5", run.id)).toMatchObject({
      status: "paused",
      progress: { running: 0, pending: 4, done: 0, failed: 0 },
    });
    const b = executor();
    await b.executor.resumeAbandonedRuns();
    expect(await finished(b.events, run.id)).toMatchObject({ run: { status: "completed" } });
  });

  it("stops a run whose lease another process took, leaving the new holder's status alone", async () => {
    llm = await startOpenAITestServer({ latencyMs: 200 });
    const a = executor({ leaseMs: 300 });
    const run = await a.executor.start(newRun("x4", 20));
    await until(
      () => store.getRun("x4", run.id),
      (r) => r?.status === "running",
    );
    await db.query(
      "UPDATE evaluation_runs SET lease_owner = 'thief', lease_expires_at = now() + interval '1 hour' WHERE project_id = 'x4'",
    );
    const released = await until(
      () => a.events.find((e) => e.kind === "released"),
      (e) => e !== undefined,
    );
    expect(released).toMatchObject({ reason: "lease-lost" });
    // Its closing "paused" was fenced off: the run is still the thief's, running.
    expect(await store.getRun("x4", run.id)).toMatchObject({ status: "running" });
    expect(a.executor.active).toBe(0);
    // Tidy up: the thief never finishes it, and later tests look for abandoned runs.
    await store.setRunStatus("x4", run.id, "completed");
  });

  it("fails a run whose stored judge cannot be rebuilt, saying why", async () => {
    llm = await startOpenAITestServer();
    const spec = newRun("x5", 2);
    await store.createEvaluationRun({
      ...spec,
      judgeConfig: { ...spec.judgeConfig, templateVersion: "rubric@0" },
      lease: { owner: "old-version", leaseMs: 1 },
    });
    await wait(20);
    const b = executor();
    expect(await b.executor.resumeAbandonedRuns()).toBe(1);
    const ended = await until(
      () => b.events.find((e) => e.kind === "finished"),
      (e) => e !== undefined,
    );
    expect(ended).toMatchObject({ run: { status: "failed" } });
    const failed = ended?.kind === "finished" ? ended.run : null;
    expect(failed?.error).toContain("rubric@0");
    expect(llm.requests).toHaveLength(0);
  });

  it("with the database to itself, takes over runs of earlier processes without waiting for their leases", async () => {
    llm = await startOpenAITestServer();
    const run = await store.createEvaluationRun({
      ...newRun("x6", 2),
      lease: { owner: "previous-start", leaseMs: 3_600_000 },
    });
    expect(await executor().executor.resumeAbandonedRuns()).toBe(0);
    const owner = executor({ exclusive: true });
    expect(await owner.executor.resumeAbandonedRuns()).toBe(1);
    expect(await finished(owner.events, run.id)).toMatchObject({
      run: { status: "completed", progress: { done: 2 } },
    });
  });
});

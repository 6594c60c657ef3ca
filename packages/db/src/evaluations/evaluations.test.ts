import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../database.js";
import { openTestDatabase, testDrivers } from "../testing.js";
import { createEvaluationStore } from "./evaluation-store.js";
import { MAX_ITEM_ATTEMPTS } from "./items.js";

// Expected values are the inputs written by each test, read back through real SQL on both
// drivers (embedded PGlite and PostgreSQL 15).

describe.each(await testDrivers())("evaluation queries on %s", (driver) => {
  let db: Database;
  let store: ReturnType<typeof createEvaluationStore>;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    store = createEvaluationStore(db);
  });
  afterAll(() => db.close());

  const newRun = (projectId: string, items = 3) => ({
    projectId,
    name: "nightly",
    kind: "rubric" as const,
    judgeConfig: { model: "judge", templateVersion: "rubric@1" },
    versions: ["v2"],
    budgetUsd: 1.5,
    items: Array.from({ length: items }, (_, i) => ({
      version: "v2",
      requestId: i === 0 ? "req-0" : null,
      input: [{ role: "user", content: `question ${i}` }],
      outputs: { output: `answer ${i}` },
      expected: i === 1 ? "expected 1" : undefined,
      humanRating: i === 2 ? 4 : null,
    })),
  });

  it("creates a run with its items and reads them back", async () => {
    const run = await store.createEvaluationRun(newRun("p1"));
    expect(run).toMatchObject({
      projectId: "p1",
      name: "nightly",
      kind: "rubric",
      status: "pending",
      versions: ["v2"],
      budgetUsd: 1.5,
      progress: { total: 3, pending: 3, done: 0, failed: 0, costUsd: 0 },
    });
    const items = await store.listItems("p1", run.id);
    expect(items.map((i) => i.itemIndex)).toEqual([0, 1, 2]);
    expect(items[0]).toMatchObject({
      requestId: "req-0",
      input: [{ role: "user", content: "question 0" }],
      outputs: { output: "answer 0" },
      expected: null,
      humanRating: null,
    });
    expect(items[1]?.expected).toBe("expected 1");
    expect(items[2]?.humanRating).toBe(4);
  });

  it("claims each item once, records judgments, caches them and sums cost", async () => {
    const run = await store.createEvaluationRun(newRun("p2"));
    const [first, second] = await Promise.all([
      store.claimPendingItems("p2", run.id, 2, 60_000),
      store.claimPendingItems("p2", run.id, 2, 60_000),
    ]);
    const claimed = [...(first ?? []), ...(second ?? [])].map((i) => i.itemIndex).sort();
    expect(claimed).toEqual([0, 1, 2]);
    await store.recordJudgment("p2", run.id, 0, 1, {
      status: "done",
      judgment: { scores: { clarity: { score: 4 } } },
      costUsd: 0.25,
      inputTokens: 100,
      outputTokens: 20,
      cached: false,
      error: null,
      cacheKey: "hash-0",
    });
    await store.recordJudgment("p2", run.id, 1, 1, {
      status: "failed",
      judgment: { error: "invalid" },
      costUsd: 0.5,
      inputTokens: 10,
      outputTokens: 2,
      cached: false,
      error: "invalid",
      cacheKey: "hash-1",
    });
    await store.releaseItems("p2", run.id, [2]);
    const after = await store.getRun("p2", run.id);
    expect(after?.progress).toMatchObject({ done: 1, failed: 1, pending: 1, running: 0 });
    expect(after?.progress.costUsd).toBeCloseTo(0.75, 12);
    expect(after?.progress.inputTokens).toBe(110);
    expect(await store.getCached("p2", "hash-0")).toEqual({ scores: { clarity: { score: 4 } } });
    // Failed judgments are never cached; caches are per project.
    expect(await store.getCached("p2", "hash-1")).toBeNull();
    expect(await store.getCached("other", "hash-0")).toBeNull();
  });

  it("reclaims items whose lease expired (a crashed worker) but not live claims", async () => {
    const run = await store.createEvaluationRun(newRun("p3", 2));
    await store.claimPendingItems("p3", run.id, 1, 1_000);
    await store.claimPendingItems("p3", run.id, 1, 60_000);
    expect(await store.claimPendingItems("p3", run.id, 5, 60_000)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const reclaimed = await store.claimPendingItems("p3", run.id, 5, 60_000);
    expect(reclaimed.map((i) => [i.itemIndex, i.attempts])).toEqual([[0, 2]]);
  });

  it("fails an item whose claims all expired after MAX_ITEM_ATTEMPTS, instead of handing it out again", async () => {
    const run = await store.createEvaluationRun(newRun("p6", 1));
    for (let attempt = 1; attempt <= MAX_ITEM_ATTEMPTS; attempt++) {
      const claimed = await store.claimPendingItems("p6", run.id, 1, 1);
      expect(claimed.map((i) => [i.itemIndex, i.attempts])).toEqual([[0, attempt]]);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await store.claimPendingItems("p6", run.id, 1, 60_000)).toEqual([]);
    const [item] = await store.listItems("p6", run.id);
    expect(item).toMatchObject({ status: "failed", attempts: MAX_ITEM_ATTEMPTS });
    expect(item?.error).toMatch(/^abandoned: claimed 5 times/);
  });

  it("records only the judgment of the item's latest claim", async () => {
    const run = await store.createEvaluationRun(newRun("p7", 1));
    await store.claimPendingItems("p7", run.id, 1, 1); // attempt 1: its process stalls
    await new Promise((resolve) => setTimeout(resolve, 10));
    const [taken] = await store.claimPendingItems("p7", run.id, 1, 60_000); // attempt 2
    expect(taken?.attempts).toBe(2);
    const judged = (costUsd: number) => ({
      status: "done" as const,
      judgment: { scores: { clarity: { score: costUsd } } },
      costUsd,
      inputTokens: 1,
      outputTokens: 1,
      cached: false,
      error: null,
      cacheKey: `hash-${costUsd}`,
    });
    // The stalled first holder comes back: its record is refused, and nothing is cached.
    expect(await store.recordJudgment("p7", run.id, 0, 1, judged(1))).toBe(false);
    expect((await store.listItems("p7", run.id))[0]).toMatchObject({ status: "running" });
    expect(await store.getCached("p7", "hash-1")).toBeNull();
    expect(await store.recordJudgment("p7", run.id, 0, 2, judged(2))).toBe(true);
    // A second record of the same claim (the item is no longer running) is refused too.
    expect(await store.recordJudgment("p7", run.id, 0, 2, judged(3))).toBe(false);
    const [item] = await store.listItems("p7", run.id);
    expect(item).toMatchObject({ status: "done", costUsd: 2 });
  });

  it("extends the lease of claimed items it is told to, so they are not reclaimed", async () => {
    const run = await store.createEvaluationRun(newRun("p5", 3));
    await store.claimPendingItems("p5", run.id, 3, 1_000);
    await store.releaseItems("p5", run.id, [2]);
    // Item 2 is pending again: renewing it must not put it back to running.
    await store.renewItemLeases("p5", run.id, [0, 2], 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const reclaimed = await store.claimPendingItems("p5", run.id, 5, 60_000);
    expect(reclaimed.map((i) => [i.itemIndex, i.attempts])).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });

  it("tracks run status and lists runs newest first, per project", async () => {
    const a = await store.createEvaluationRun({ ...newRun("p4", 1), name: "a" });
    const b = await store.createEvaluationRun({ ...newRun("p4", 1), name: "b" });
    await store.setRunStatus("p4", a.id, "running");
    let got = await store.getRun("p4", a.id);
    expect(got?.status).toBe("running");
    expect(got?.startedAt).toBeInstanceOf(Date);
    await store.setRunStatus("p4", a.id, "completed");
    got = await store.getRun("p4", a.id);
    expect(got?.finishedAt).toBeInstanceOf(Date);
    const runs = await store.listRuns("p4");
    expect(runs.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect(await store.getRun("other", a.id)).toBeNull();
  });
});

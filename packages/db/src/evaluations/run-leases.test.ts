import type { NewEvaluationRun } from "@loopkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../database.js";
import { openTestDatabase, testDrivers } from "../testing.js";
import { createEvaluationStore } from "./evaluation-store.js";

// Run leases on both drivers. Expected values are the leases and statuses each test writes,
// read back through real SQL; on PostgreSQL the concurrent claims run on separate pool
// connections, so "exactly one claimer wins" is a real race.

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(await testDrivers())("evaluation run leases on %s", (driver) => {
  let db: Database;
  let store: ReturnType<typeof createEvaluationStore>;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    store = createEvaluationStore(db);
  });
  afterAll(() => db.close());

  const newRun = (projectId: string, extra: Partial<NewEvaluationRun> = {}): NewEvaluationRun => ({
    projectId,
    kind: "rubric",
    judgeConfig: { model: "judge" },
    versions: ["v1"],
    items: Array.from({ length: 3 }, (_, i) => ({
      version: "v1",
      input: `question ${i}`,
      outputs: { output: `answer ${i}` },
    })),
    ...extra,
  });

  /** Claims until nothing is left, returning the runs of `projectId` claimed. */
  async function claimAll(projectId: string, owner: string, takeOver = false) {
    const claimed: string[] = [];
    for (;;) {
      const got = await store.claimAbandonedRun({
        owner,
        leaseMs: 60_000,
        takeOverOtherOwners: takeOver,
      });
      if (!got) return claimed;
      if (got.run.projectId === projectId) claimed.push(got.run.id);
    }
  }

  it("keeps the concurrency and the lease it was created with; only leased runs resume", async () => {
    const leased = await store.createEvaluationRun(
      newRun("l1", { concurrency: 3, lease: { owner: "a", leaseMs: 60_000 } }),
    );
    const plain = await store.createEvaluationRun(newRun("l1"));
    expect(leased).toMatchObject({ concurrency: 3, autoResume: true, error: null });
    expect(plain).toMatchObject({ concurrency: null, autoResume: false });
    // A live lease is not claimable, and a run without a lease never is.
    expect(await claimAll("l1", "b")).toEqual([]);
    await store.setRunStatus("l1", plain.id, "running");
    expect(await claimAll("l1", "b")).toEqual([]);
  });

  it("hands a run whose lease expired to exactly one of several claimers, and reopens its running items", async () => {
    const run = await store.createEvaluationRun(
      newRun("l2", { lease: { owner: "dead", leaseMs: 300 } }),
    );
    await store.setRunStatus("l2", run.id, "running");
    const [first] = await store.claimPendingItems("l2", run.id, 1, 60_000);
    expect(first?.attempts).toBe(1);
    await wait(400);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        store.claimAbandonedRun({ owner: `claimer-${i}`, leaseMs: 60_000 }),
      ),
    );
    const winners = results.filter((r) => r?.run.id === run.id);
    expect(winners).toHaveLength(1);
    expect(winners[0]?.previousOwner).toBe("dead");
    expect(winners[0]?.run.progress).toMatchObject({ pending: 3, running: 0 });
    // The item the dead process was judging keeps its attempt count.
    const items = await store.listItems("l2", run.id);
    expect(items.map((i) => [i.status, i.attempts])).toEqual([
      ["pending", 1],
      ["pending", 0],
      ["pending", 0],
    ]);
  });

  it("renews only for the holder, and a released run is claimable at once", async () => {
    const run = await store.createEvaluationRun(
      newRun("l3", { lease: { owner: "a", leaseMs: 60_000 } }),
    );
    expect(await store.renewRunLease("l3", run.id, { owner: "a", leaseMs: 60_000 })).toBe(true);
    expect(await store.renewRunLease("l3", run.id, { owner: "b", leaseMs: 60_000 })).toBe(false);
    await store.releaseRunLease("l3", run.id, "b"); // not b's to release
    expect(await claimAll("l3", "b")).toEqual([]);
    await store.releaseRunLease("l3", run.id, "a");
    // The releasing process itself may claim it back too; here another one does.
    expect(await claimAll("l3", "b")).toEqual([run.id]);
    expect(await store.renewRunLease("l3", run.id, { owner: "a", leaseMs: 60_000 })).toBe(false);
  });

  it("never returns a run to the process that holds it, even when its lease has expired", async () => {
    const run = await store.createEvaluationRun(
      newRun("l4", { lease: { owner: "me", leaseMs: 100 } }),
    );
    await wait(200);
    expect(await claimAll("l4", "me")).toEqual([]);
    expect(await claimAll("l4", "other")).toEqual([run.id]);
  });

  it("lets a process that owns the database take over live leases of others, but not its own", async () => {
    const theirs = await store.createEvaluationRun(
      newRun("l5", { lease: { owner: "previous-start", leaseMs: 600_000 } }),
    );
    await store.createEvaluationRun(newRun("l5", { lease: { owner: "me", leaseMs: 600_000 } }));
    expect(await claimAll("l5", "me")).toEqual([]);
    expect(await claimAll("l5", "me", true)).toEqual([theirs.id]);
  });

  it("does not resume finished runs, and fences status changes by the lease holder", async () => {
    const done = await store.createEvaluationRun(
      newRun("l6", { lease: { owner: "a", leaseMs: 60_000 } }),
    );
    expect(await store.setRunStatus("l6", done.id, "completed", { leaseOwner: "a" })).toBe(true);
    const failed = await store.createEvaluationRun(
      newRun("l6", { lease: { owner: "a", leaseMs: 60_000 } }),
    );
    // Someone else's status change is refused while "a" holds the run.
    expect(await store.setRunStatus("l6", failed.id, "paused", { leaseOwner: "b" })).toBe(false);
    expect(
      await store.setRunStatus("l6", failed.id, "failed", {
        leaseOwner: "a",
        error: "judge template rubric@0 is unknown",
      }),
    ).toBe(true);
    const got = await store.getRun("l6", failed.id);
    expect(got).toMatchObject({ status: "failed", error: "judge template rubric@0 is unknown" });
    expect(got?.finishedAt).toBeInstanceOf(Date);
    for (const id of [done.id, failed.id]) await store.releaseRunLease("l6", id, "a");
    expect(await claimAll("l6", "b")).toEqual([]);
    // A paused run (its process shut down) is resumed.
    await store.setRunStatus("l6", failed.id, "paused");
    expect((await store.getRun("l6", failed.id))?.error).toBeNull();
    expect(await claimAll("l6", "b")).toEqual([failed.id]);
  });
});

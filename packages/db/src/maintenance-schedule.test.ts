import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./database.js";
import { createProject, insertEvents } from "./index.js";
import type { MaintenanceResult } from "./maintenance.js";
import { scheduleMaintenance } from "./maintenance-schedule.js";
import { logEvent } from "./test-events.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Real maintenance passes on both drivers; a pass is made to fail for real by renaming the
// partition function it calls (in this test's own database), then renaming it back.

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(await testDrivers())("scheduleMaintenance on %s", (driver) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
  });
  afterAll(() => db?.close());

  it("waits the first delay, repeats after each pass without overlap, and stop waits for a pass", async () => {
    const passes: { result: MaintenanceResult; at: number }[] = [];
    const errors: unknown[] = [];
    const started = Date.now();
    const schedule = scheduleMaintenance(db, {
      firstDelayMs: 300,
      intervalMs: 50,
      onPass: (result) => passes.push({ result, at: Date.now() - started }),
      onError: (error) => errors.push(error),
    });
    await wait(200);
    expect(passes).toHaveLength(0);
    const end = Date.now() + 20_000;
    while (passes.length < 3 && Date.now() < end) await wait(20);
    await schedule.stop();
    const after = passes.length;
    expect(after).toBeGreaterThanOrEqual(3);
    expect(passes[0]!.at).toBeGreaterThanOrEqual(300);
    expect(passes.every((p) => !p.result.skipped)).toBe(true);
    expect(errors).toEqual([]);
    await wait(200);
    expect(passes).toHaveLength(after);
  });

  it("stop() resolves only once the pass in progress has ended", async () => {
    // The same database, counting the passes that reached their first statement.
    let started = 0;
    const counted: Database = {
      ...db,
      query: (sql, params) => {
        if (sql.includes("loopkit_ensure_partitions")) started++;
        return db.query(sql, params);
      },
    };
    let ended = 0;
    const schedule = scheduleMaintenance(counted, {
      intervalMs: 0,
      onPass: () => ended++,
      onError: () => {},
    });
    const end = Date.now() + 20_000;
    while (started < 2 && Date.now() < end) await wait(5);
    await schedule.stop();
    expect(started).toBeGreaterThanOrEqual(2);
    expect(ended).toBe(started);
  });

  it("reports a failing pass and goes on", async () => {
    await db.query(
      "ALTER FUNCTION loopkit_ensure_partitions RENAME TO loopkit_ensure_partitions_off",
    );
    const errors: unknown[] = [];
    const lines: string[] = [];
    let passes = 0;
    const schedule = scheduleMaintenance(db, {
      intervalMs: 50,
      onPass: () => passes++,
      onError: (error) => errors.push(error),
      logger: {
        info: (_fields, message) => lines.push(message),
        error: (fields, message) => lines.push(`${message}: ${String(fields.err)}`),
      },
    });
    try {
      const end = Date.now() + 20_000;
      while (errors.length === 0 && Date.now() < end) await wait(20);
      expect(String(errors[0])).toContain("loopkit_ensure_partitions");
    } finally {
      await db.query(
        "ALTER FUNCTION loopkit_ensure_partitions_off RENAME TO loopkit_ensure_partitions",
      );
    }
    const end = Date.now() + 20_000;
    while (passes === 0 && Date.now() < end) await wait(20);
    await schedule.stop();
    expect(passes).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^maintenance failed: .*loopkit_ensure_partitions/);
    expect(lines.at(-1)).toBe("maintenance done");
  });

  it("folds per-user changes on a timer of its own, between maintenance passes", async () => {
    const projectId = (await createProject(db, { name: "fold timer" })).id;
    await insertEvents(db, projectId, [logEvent({ promptName: "p", userHash: "u1" })]);
    const pending = async () =>
      (
        await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM user_rollup_changes WHERE project_id = $1",
          [projectId],
        )
      )[0]?.n;
    expect(await pending()).toBe(1);
    let passes = 0;
    const schedule = scheduleMaintenance(db, {
      firstDelayMs: 60_000, // no maintenance pass during the test
      intervalMs: 60_000,
      foldIntervalMs: 50,
      onPass: () => passes++,
    });
    const end = Date.now() + 20_000;
    while ((await pending()) !== 0 && Date.now() < end) await wait(20);
    await schedule.stop();
    expect(await pending()).toBe(0);
    expect(passes).toBe(0);
    const [kept] = await db.query<{ requests: number }>(
      "SELECT requests FROM user_rollups WHERE project_id = $1",
      [projectId],
    );
    expect(kept).toEqual({ requests: 1 });
  });
});

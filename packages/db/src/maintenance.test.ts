import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./database.js";
import { MAINTENANCE_LOCK, runMaintenance } from "./maintenance.js";
import { createProject, updateProjectSettings } from "./projects.js";
import { openTestDatabase, testDrivers } from "./testing.js";

describe.each(await testDrivers())("runMaintenance on %s", (driver) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
  });
  afterAll(() => db?.close());

  it("makes the partitions ahead of a later date and applies retention", async () => {
    const project = await createProject(db, { name: "kept-30-days" });
    await updateProjectSettings(db, project.id, { retentionDays: 30 });
    const result = await runMaintenance(db, { now: new Date(Date.UTC(2031, 5, 15)) });
    expect(result.skipped).toBe(false);
    if (result.skipped) return;
    expect(result.partitionsCreated).toBeGreaterThan(0);
    const parts = await db.query<{ name: string }>(
      "SELECT relname AS name FROM pg_class WHERE relname = 'requests_p2031_07'",
    );
    expect(parts).toHaveLength(1);
  });

  it.runIf(driver === "postgres")("is skipped while another process holds the lock", async () => {
    await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1::bigint)", [MAINTENANCE_LOCK]);
      expect(await runMaintenance(db)).toEqual({ skipped: true });
    });
    expect((await runMaintenance(db)).skipped).toBe(false);
  });
});

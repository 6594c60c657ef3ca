import { copyFile, mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, type Database, listAudit, migrate, recordAudit } from "./index.js";
import { defaultMigrationsDirectory } from "./migrations.js";
import {
  EMPTY_DATABASE_TEST_TIMEOUT_MS,
  openEmptyTestDatabase,
  openTestDatabase,
  testDrivers,
} from "./testing.js";

// Expected values: each project numbers its audit entries 1, 2, 3, … in the order they were
// recorded (migration 0006_audit_ids_per_project.sql), whatever other projects record between.

const entry = (projectId: string, action: string) => ({
  projectId,
  actor: "ana",
  action,
  subjectType: "prompt_version",
  subjectKey: "support@v1",
});

describe.each(await testDrivers())("audit ids on %s", (driver) => {
  let db: Database;
  let a: string;
  let b: string;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    a = (await createProject(db, { name: "a" })).id;
    b = (await createProject(db, { name: "b" })).id;
  });
  afterAll(() => db.close());

  it("numbers each project's entries 1, 2, 3, … whatever other projects record between", async () => {
    const ids: Array<[string, number]> = [];
    for (const [project, action] of [
      [a, "a1"],
      [b, "b1"],
      [b, "b2"],
      [b, "b3"],
      [a, "a2"],
    ] as const) {
      ids.push([action, (await recordAudit(db, entry(project, action))).id]);
    }
    expect(ids).toEqual([
      ["a1", 1],
      ["b1", 1],
      ["b2", 2],
      ["b3", 3],
      ["a2", 2],
    ]);
    expect((await listAudit(db, a)).map((e) => [e.action, e.id])).toEqual([
      ["a2", 2],
      ["a1", 1],
    ]);
  });

  it("takes no number for an entry rolled back, nor the id an INSERT names", async () => {
    await expect(
      db.transaction(async (tx) => {
        await recordAudit(tx, entry(a, "rolled back"));
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    await db.query(
      `INSERT INTO audit_log (project_id, id, actor, action, subject_type, subject_key)
       VALUES ($1, 999, 'mallory', 'forged', 'prompt_version', 'support@v1')`,
      [a],
    );
    expect((await listAudit(db, a, { limit: 1 }))[0]).toMatchObject({ id: 3, action: "forged" });
    expect((await recordAudit(db, entry(a, "a4"))).id).toBe(4);
  });

  it("gives concurrent entries of one project distinct consecutive numbers", async () => {
    const c = (await createProject(db, { name: "c" })).id;
    const recorded = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        db.transaction((tx) => recordAudit(tx, entry(i % 3 === 0 ? b : c, `concurrent ${i}`))),
      ),
    );
    const idsOf = (project: string) =>
      recorded
        .filter((e) => e.projectId === project)
        .map((e) => e.id)
        .sort((x, y) => x - y);
    expect(idsOf(c)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(idsOf(b)).toEqual([4, 5, 6, 7]);
  });
});

describe.each(await testDrivers())("migrating audit ids to per-project numbers on %s", (driver) => {
  it(
    "renumbers the entries recorded before, per project in their order, and counts on from there",
    async () => {
      const { db } = await openEmptyTestDatabase(driver);
      try {
        // The schema as it was before 0006: one identity sequence across projects.
        const before = await mkdtemp(join(tmpdir(), "loopkit-migrations-"));
        for (const name of await readdir(defaultMigrationsDirectory())) {
          if (/^000[1-5]_.*\.sql$/.test(name)) {
            await copyFile(join(defaultMigrationsDirectory(), name), join(before, name));
          }
        }
        await migrate(db, { directory: before });
        const a = (await createProject(db, { name: "a" })).id;
        const b = (await createProject(db, { name: "b" })).id;
        const order = [a, b, b, a, b, a];
        const old: number[] = [];
        for (const [i, project] of order.entries()) {
          old.push((await recordAudit(db, entry(project, `step ${i}`))).id);
        }
        expect(old).toEqual([1, 2, 3, 4, 5, 6]);

        expect((await migrate(db)).applied).toContain("0006_audit_ids_per_project.sql");
        const ids = async (project: string) =>
          (await listAudit(db, project)).map((e) => [e.action, e.id]).reverse();
        expect(await ids(a)).toEqual([
          ["step 0", 1],
          ["step 3", 2],
          ["step 5", 3],
        ]);
        expect(await ids(b)).toEqual([
          ["step 1", 1],
          ["step 2", 2],
          ["step 4", 3],
        ]);
        expect((await recordAudit(db, entry(b, "after"))).id).toBe(4);
        // The log is append-only again once the migration is done.
        await expect(
          db.query("UPDATE audit_log SET actor = 'mallory' WHERE project_id = $1", [a]),
        ).rejects.toThrow(/append-only/);
      } finally {
        await db.close();
      }
    },
    EMPTY_DATABASE_TEST_TIMEOUT_MS,
  );
});

import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LoopkitError } from "@loopkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, migrate, migrationStatus } from "./index.js";
import {
  EMPTY_DATABASE_TEST_TIMEOUT_MS,
  openEmptyTestDatabase,
  openTestDatabase,
  testDrivers,
} from "./testing.js";

// Expected values: the migration files shipped in packages/db/migrations (listed by readdir,
// in name order) and the tables they declare; PostgreSQL semantics of transactional DDL.

const SHIPPED = ["0001_projects.sql", "0002_events.sql", "0003_partition_maintenance.sql"];
const TABLES = [
  "projects",
  "api_keys",
  "requests",
  "requests_default",
  "feedback",
  "feedback_default",
  "exposures",
  "prompt_versions",
  "experiments",
  "approvals",
  "audit_log",
  "audit_log_counters",
  "shadow_results",
];

async function tableExists(db: Database, name: string): Promise<boolean> {
  const [row] = await db.query<{ exists: boolean }>(
    "SELECT to_regclass($1) IS NOT NULL AS exists",
    [name],
  );
  return row!.exists;
}

describe.each(await testDrivers())("migrations on %s", (driver) => {
  it(
    "migrates an empty database, then has nothing left to apply",
    async () => {
      const { db } = await openEmptyTestDatabase(driver);
      try {
        const before = await migrationStatus(db);
        expect(before.applied).toEqual([]);
        expect(before.pending.slice(0, 3)).toEqual(SHIPPED);

        const first = await migrate(db);
        expect(first.applied).toEqual(before.pending);
        for (const table of TABLES) expect(await tableExists(db, table), table).toBe(true);
        const month = new Date().toISOString().slice(0, 7).replace("-", "_");
        expect(await tableExists(db, `requests_p${month}`)).toBe(true);
        expect(await tableExists(db, `feedback_p${month}`)).toBe(true);

        expect(await migrate(db)).toEqual({ applied: [] });
        const after = await migrationStatus(db);
        expect(after).toEqual({ applied: before.pending, pending: [] });
      } finally {
        await db.close();
      }
    },
    EMPTY_DATABASE_TEST_TIMEOUT_MS,
  );

  it(
    "applies each file once when two migrate() calls race on one database",
    async () => {
      const { db, connect } = await openEmptyTestDatabase(driver);
      try {
        const other = await connect();
        const [a, b] = await Promise.all([migrate(db), migrate(other)]);
        const all = (await migrationStatus(db)).applied;
        expect([...a.applied, ...b.applied].sort()).toEqual(all);
        const [count] = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM loopkit_migrations",
          [],
        );
        expect(count!.n).toBe(all.length);
      } finally {
        await db.close();
      }
    },
    EMPTY_DATABASE_TEST_TIMEOUT_MS,
  );

  describe("a failing migration", () => {
    let db: Database;
    let directory: string;
    beforeAll(async () => {
      db = await openTestDatabase(driver);
      directory = await mkdtemp(join(tmpdir(), "loopkit-migrations-"));
      await writeFile(join(directory, "9001_good.sql"), "CREATE TABLE good_one (id int);");
      await writeFile(
        join(directory, "9002_bad.sql"),
        "CREATE TABLE half_done (id int);\nSELECT no_such_column FROM good_one;",
      );
      await writeFile(join(directory, "9003_after.sql"), "CREATE TABLE after_bad (id int);");
    });
    afterAll(() => db.close());

    it("rolls the file back, names it, and stops", async () => {
      const error = await migrate(db, { directory }).then(
        () => null,
        (e: unknown) => e as Error & { code: string },
      );
      expect(error).toBeInstanceOf(LoopkitError);
      expect(error?.code).toBe("MIGRATION_FAILED");
      expect(error?.message).toContain("9002_bad.sql");
      // The database's own error: 42703 is undefined_column (PostgreSQL docs, Appendix A).
      expect(error?.message).toContain("no_such_column");
      expect(error?.message).toContain("SQLSTATE 42703");
      expect((error?.cause as { code?: string } | undefined)?.code).toBe("42703");
      expect(await tableExists(db, "good_one")).toBe(true);
      expect(await tableExists(db, "half_done")).toBe(false);
      expect(await tableExists(db, "after_bad")).toBe(false);
      expect(await migrationStatus(db, { directory })).toEqual({
        applied: ["9001_good.sql"],
        pending: ["9002_bad.sql", "9003_after.sql"],
      });
    });

    it("continues from the fixed file on the next run", async () => {
      await writeFile(join(directory, "9002_bad.sql"), "CREATE TABLE half_done (id int);");
      expect(await migrate(db, { directory })).toEqual({
        applied: ["9002_bad.sql", "9003_after.sql"],
      });
      expect(await tableExists(db, "after_bad")).toBe(true);
    });
  });

  it("says which folder it could not read", async () => {
    const db = await openTestDatabase(driver);
    try {
      await expect(migrate(db, { directory: "/no/such/folder" })).rejects.toMatchObject({
        code: "INVALID_CONFIG",
        message: expect.stringContaining("/no/such/folder"),
      });
    } finally {
      await db.close();
    }
  });
});

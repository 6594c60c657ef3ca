/**
 * Every error classified here is produced by the real driver (pg against PostgreSQL, PGlite),
 * not built by hand: a refused connection, a backend terminated by an administrator, a pool
 * that stayed busy, a closed pool and a closed PGlite.
 */
import { createServer } from "node:net";
import { createDatabase, type Database } from "@loopkit/db";
import { testDrivers } from "@loopkit/db/testing";
import { describe, expect, it } from "vitest";
import { databaseFault } from "./database-faults.js";

const postgresUrl =
  process.env.LOOPKIT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function rejection(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error("expected the database call to fail");
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("databaseFault on PGlite", () => {
  it("a bad statement is not a fault of availability (null); a closed PGlite is DATABASE_UNAVAILABLE", async () => {
    const db = await createDatabase();
    expect(databaseFault(await rejection(db.query("SELEKT 1")))).toBeNull();
    await db.close();
    expect(databaseFault(await rejection(db.query("SELECT 1")))?.code).toBe("DATABASE_UNAVAILABLE");
  }, 120_000);
});

describe.runIf((await testDrivers()).includes("postgres"))("databaseFault on PostgreSQL", () => {
  it("a refused connection is DATABASE_UNAVAILABLE", async () => {
    const error = await rejection(
      createDatabase({ url: `postgres://postgres@127.0.0.1:${await closedPort()}/postgres` }),
    );
    // createDatabase reports it itself; its cause is pg's own error (ECONNREFUSED).
    const cause = (error as { cause: unknown }).cause;
    expect(JSON.stringify(cause, ["code", "errors"])).toContain("ECONNREFUSED");
    expect(databaseFault(cause)?.code).toBe("DATABASE_UNAVAILABLE");
  });

  it("a session terminated by an administrator (57P01) is DATABASE_UNAVAILABLE", async () => {
    const db: Database = await createDatabase({ url: postgresUrl, poolSize: 2 });
    try {
      const error = await rejection(
        db.transaction(async (tx) => {
          const [{ pid }] = (await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")) as [
            { pid: number },
          ];
          const sleeping = tx.query("SELECT pg_sleep(30)");
          sleeping.catch(() => {}); // it may fail before it is awaited below
          await db.query("SELECT pg_terminate_backend($1)", [pid]);
          await sleeping;
        }),
      );
      expect((error as { code?: string }).code).toBe("57P01");
      expect(databaseFault(error)?.code).toBe("DATABASE_UNAVAILABLE");
    } finally {
      await db.close();
    }
  });

  it("a pool that stays busy past acquireTimeoutMs is OVERLOADED", async () => {
    // Long enough for the first connection to open on a loaded machine.
    const db = await createDatabase({ url: postgresUrl, poolSize: 1, acquireTimeoutMs: 2000 });
    try {
      const error = await db.transaction(() => rejection(db.query("SELECT 1")));
      expect(databaseFault(error)?.code).toBe("OVERLOADED");
    } finally {
      await db.close();
    }
  });

  it("a closed pool is DATABASE_UNAVAILABLE; a constraint violation is not a fault", async () => {
    const db = await createDatabase({ url: postgresUrl, poolSize: 1 });
    expect(
      databaseFault(await rejection(db.query("SELECT 1/0"))), // 22012 division_by_zero
    ).toBeNull();
    await db.close();
    expect(databaseFault(await rejection(db.query("SELECT 1")))?.code).toBe("DATABASE_UNAVAILABLE");
  });
});

describe("databaseFault on values that are not driver errors", () => {
  it("answers null", () => {
    for (const value of [undefined, null, "ECONNREFUSED", 42, new Error("boom"), {}]) {
      expect(databaseFault(value)).toBeNull();
    }
  });
});

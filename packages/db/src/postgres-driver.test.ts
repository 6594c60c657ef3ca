import { describe, expect, it } from "vitest";
import { createDatabase } from "./database.js";
import { testDrivers } from "./testing.js";

const url = process.env.LOOPKIT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

describe.runIf((await testDrivers()).includes("postgres"))("the pg pool", () => {
  it("fails a query that waits longer than acquireTimeoutMs for a connection, and serves the next one", async () => {
    const db = await createDatabase({ url, poolSize: 1, acquireTimeoutMs: 200 });
    try {
      // The only connection is held by the transaction, so the query must wait for it; without
      // the bound it would wait for ever and this test would time out.
      await db.transaction(async (tx) => {
        await tx.query("SELECT 1");
        await expect(db.query("SELECT 1")).rejects.toThrow(
          "timeout exceeded when trying to connect",
        );
      });
      expect(await db.query<{ n: number }>("SELECT 1 AS n")).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
  });

  it("fails a transaction whose connection is lost, without an uncaught error, and serves the next one", async () => {
    // Before the transaction listened for it, pg emitted the lost connection as an 'error'
    // event nobody heard: an uncaught exception (vitest fails the run; a server would crash).
    const db = await createDatabase({ url, poolSize: 2 });
    try {
      const lost = db.transaction(async (tx) => {
        const [row] = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        const sleeping = tx.query("SELECT pg_sleep(30)");
        sleeping.catch(() => {}); // it may fail before it is awaited below
        await db.query("SELECT pg_terminate_backend($1)", [row!.pid]);
        await sleeping;
      });
      await expect(lost).rejects.toMatchObject({ code: "57P01" });
      // Give the socket's close (the unheard 'error' event) time to happen inside this test.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await db.query<{ n: number }>("SELECT 1 AS n")).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
  });
});

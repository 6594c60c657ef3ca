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
});

/**
 * An unexpected failure (not a Loopkit error, a database fault or a refused value) answers 500
 * with Loopkit's own code `INTERNAL` (core's `LoopkitErrorCode`, as the README's "Limits and
 * errors" promises) and a message that leaks nothing of the failure. The database below is the
 * real one, except that `requests.list`'s statement throws a plain error naming a secret.
 */
import type { Database } from "@loopkit/db";
import { openTestDatabase } from "@loopkit/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";

const SECRET_DETAIL = "boom: SELECT secret_column";

/** `db` whose request explorer statement fails with an error that is no database fault. */
function failingExplorer(db: Database): Database {
  return {
    driver: db.driver,
    query: (sql, params) =>
      /FROM requests/.test(sql) ? Promise.reject(new Error(SECRET_DETAIL)) : db.query(sql, params),
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
  };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(
    "pglite",
    {},
    {
      db: failingExplorer(await openTestDatabase("pglite")),
    },
  );
});
afterAll(() => server?.close());

it("answers 500 INTERNAL with a message that leaks nothing", async () => {
  const answer = await server.query("requests.list", { limit: 10 }, server.a.secretKey);
  expect(answer.status).toBe(500);
  expect(answer.body.error.data.loopkitCode).toBe("INTERNAL");
  expect(answer.body.error.message).toBe("internal error");
  expect(JSON.stringify(answer.body)).not.toContain("secret_column");
});

/**
 * The last line of defence behind the input schemas: when the database refuses a value a
 * procedure's schema let through (a schema gap), the caller gets 400 `INVALID_INPUT` naming
 * the procedure, not 500, and the gap is reported to `onInputRefused` with the request's id.
 *
 * Every schema gap known is closed, so the test opens one on purpose: the database below is
 * the real one of each driver, except that while `gap` is set, `requests.list`'s statement is
 * sent with its cursor id replaced by `not-a-uuid`, which the database itself refuses (22P02).
 */
import type { Database, Queryable } from "@loopkit/db";
import { openTestDatabase, testDrivers } from "@loopkit/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InputRefusal } from "../src/index.js";
import { startTestServer, type TestServer } from "../src/testing.js";

/** The cursor id's place in `listRequests`' parameters (`$3::uuid`). */
const CURSOR_ID = 2;

/** `db` with the uuid parameters of the request explorer's statement corrupted while `gap.open`. */
function withGap(db: Database, gap: { open: boolean }): Database {
  const corrupt = (sql: string, params?: unknown[]) =>
    gap.open && /FROM requests/.test(sql) && params
      ? params.map((p, i) => (i === CURSOR_ID ? "not-a-uuid" : p))
      : params;
  const query: Queryable["query"] = (sql, params) => db.query(sql, corrupt(sql, params));
  return {
    driver: db.driver,
    query,
    transaction: (fn) =>
      db.transaction((tx) => fn({ query: (s, p) => tx.query(s, corrupt(s, p)) })),
    close: () => db.close(),
  };
}

describe.each(await testDrivers())("a value the database refuses on %s", (driver) => {
  const gap = { open: false };
  const refusals: InputRefusal[] = [];
  let server: TestServer;
  beforeAll(async () => {
    const db = withGap(await openTestDatabase(driver), gap);
    server = await startTestServer(driver, {}, { db, onInputRefused: (r) => refusals.push(r) });
  }, 120_000);
  afterAll(() => server?.close());

  it("answers 400 INVALID_INPUT naming the procedure, and reports the gap with the request id", async () => {
    const first = await server.query("requests.list", { limit: 1 }, server.a.secretKey);
    expect(first.status).toBe(200);
    expect(refusals).toEqual([]);

    gap.open = true;
    try {
      const answer = await server.query("requests.list", { limit: 1 }, server.a.secretKey);
      expect(answer.status).toBe(400);
      expect(answer.body.error.data.loopkitCode).toBe("INVALID_INPUT");
      expect(answer.body.error.message).toMatch(
        /^requests\.list: the database refused a value of the input \(SQLSTATE 22P02\)/,
      );
      expect(answer.body.error.message).not.toContain("not-a-uuid");
      expect(refusals).toEqual([
        {
          requestId: answer.headers.get("x-request-id"),
          procedure: "requests.list",
          sqlstate: "22P02",
          databaseMessage: "invalid input syntax for type uuid",
        },
      ]);
    } finally {
      gap.open = false;
    }
  });
});

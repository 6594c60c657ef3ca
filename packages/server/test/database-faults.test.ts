/**
 * A database that stalls, refuses connections or is closed, under a real HTTP server: the
 * server answers at once with 429 `OVERLOADED` or 503 `DATABASE_UNAVAILABLE` and `Retry-After`,
 * never 500 and never by queueing, and recovers by itself. (The suites do the same against a
 * PostgreSQL that is really stopped: suites/test/postgres-faults.test.ts.)
 */
import { createDatabase, type Database } from "@loopkit/db";
import { openTestDatabase, testDrivers } from "@loopkit/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestResponse, type TestServer } from "../src/testing.js";
import { logEvent } from "./events.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

const adminUrl =
  process.env.LOOPKIT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

function expectRefused(answer: TestResponse, status: number, code: string, retryAfter: string) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body.error.data.loopkitCode).toBe(code);
  expect(answer.headers.get("retry-after")).toBe(retryAfter);
}

describe.runIf((await testDrivers()).includes("postgres"))(
  "PostgreSQL stalled or refusing connections",
  () => {
    /** The test's own connections to the server's database (locks, admin statements). */
    let side: Database;
    let server: TestServer;
    let name: string;
    /** Between the server and PostgreSQL, so the test can take the database away. */
    let proxy: TcpProxy;
    beforeAll(async () => {
      side = await openTestDatabase("postgres");
      [{ name }] = (await side.query<{ name: string }>("SELECT current_database() AS name")) as [
        { name: string },
      ];
      const admin = new URL(adminUrl);
      proxy = await startTcpProxy({ host: admin.hostname, port: Number(admin.port || 5432) });
      const url = new URL(adminUrl);
      url.host = `127.0.0.1:${proxy.port}`;
      url.pathname = `/${name}`;
      // One pool connection and one ingest slot, so a single blocked batch fills both.
      const db = await createDatabase({ url: url.toString(), poolSize: 1, acquireTimeoutMs: 1000 });
      server = await startTestServer("postgres", { maxInFlightBatches: 1 }, { db });
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await proxy?.close();
      await side?.close();
    });

    it("answers 429 during a stall instead of queueing: the ingest slot before the key lookup, a bounded wait for the pool", async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const holder = side.transaction(async (tx) => {
        await tx.query("LOCK TABLE requests IN ACCESS EXCLUSIVE MODE");
        locked();
        await released;
      });
      await isLocked;
      const stuck = logEvent();
      const first = server.mutate("ingest.batch", { events: [stuck] }, server.a.publicKey);
      // Wait until the first batch is blocked on the lock, holding the slot and the connection.
      while (
        Number(
          (
            await side.query<{ n: string }>(
              "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
              [name],
            )
          )[0]!.n,
        ) === 0
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The gate refuses before any database work: with the key lookup first, this call would
      // wait for the pool instead and be refused for that reason.
      const shed = await server.mutate(
        "ingest.batch",
        { events: [logEvent()] },
        server.a.publicKey,
      );
      expectRefused(shed, 429, "OVERLOADED", "1");
      expect(shed.body.error.message).toMatch(/processing 1 batches already/);
      // Any other call waits at most acquireTimeoutMs for the pool, then is told to come back.
      const query = await server.query("projects.current", undefined, server.a.secretKey);
      expectRefused(query, 429, "OVERLOADED", "1");
      expect(query.body.error.message).toMatch(/every database connection is busy/);

      release();
      await holder;
      const done = await first;
      expect(done.status).toBe(200);
      expect(done.body.result.data.results[0].status).toBe("accepted");
    });

    it("answers 503 DATABASE_UNAVAILABLE while the database is unreachable, then recovers by itself", async () => {
      await proxy.cut();
      try {
        const down = await server.mutate(
          "ingest.batch",
          { events: [logEvent()] },
          server.a.publicKey,
        );
        expectRefused(down, 503, "DATABASE_UNAVAILABLE", "2");
        expect(down.body.error.message).toMatch(/database is unavailable/);
        expectRefused(
          await server.query("requests.list", { limit: 5 }, server.a.secretKey),
          503,
          "DATABASE_UNAVAILABLE",
          "2",
        );
      } finally {
        await proxy.restore();
      }
      const back = await server.mutate(
        "ingest.batch",
        { events: [logEvent()] },
        server.a.publicKey,
      );
      expect(back.status).toBe(200);
      expect(back.body.result.data.accepted).toBe(1);
    });
  },
);

describe("embedded PGlite closed under the server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite");
  }, 120_000);
  afterAll(async () => {
    // The test closed the database already; closing it again says so.
    await expect(server.close()).rejects.toThrow("PGlite is closed");
  });

  it("answers 503 DATABASE_UNAVAILABLE with Retry-After, never 500", async () => {
    await server.db.close();
    expectRefused(
      await server.mutate("ingest.batch", { events: [logEvent()] }, server.a.publicKey),
      503,
      "DATABASE_UNAVAILABLE",
      "2",
    );
    expectRefused(
      await server.query("projects.current", undefined, server.a.secretKey),
      503,
      "DATABASE_UNAVAILABLE",
      "2",
    );
  });
});

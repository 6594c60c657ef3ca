/**
 * Faults of the database under a real server process, on a private PostgreSQL cluster started
 * for this file (the machine's shared PostgreSQL is never stopped or slowed):
 *
 * - PostgreSQL restarted during ingestion: while it is down the server answers 503/429, it
 *   recovers by itself, the SDK clients deliver everything afterwards, no process crashes;
 * - slow database (an exclusive lock on `requests` held for 10 s): the server sheds load with
 *   429 + Retry-After instead of queueing, and its resident memory stays under a stated bound.
 */
import { randomBytes } from "node:crypto";
import { createLoopkit, type DeliveryError } from "@loopkit/sdk";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logEvent } from "../src/events.js";
import { createScratchDatabase } from "../src/postgres-database.js";
import {
  type PrivatePostgres,
  privatePostgresUnavailable,
  startPrivatePostgres,
} from "../src/private-postgres.js";
import {
  freePort,
  type ServerProcess,
  startServerProcess,
  stopServerProcess,
} from "../src/server-process.js";

/** The memory bound the server must stay under while the database is stalled (README "Guarantees"). */
const RSS_BOUND_BYTES = 384 * 1024 * 1024;

describe.skipIf(privatePostgresUnavailable() !== null)(
  "database faults (private PostgreSQL)",
  () => {
    let cluster: PrivatePostgres;
    let database: Awaited<ReturnType<typeof createScratchDatabase>>;
    let server: ServerProcess;
    let reader: pg.Client;
    const publicKey = `lk_pub_${randomBytes(30).toString("base64url")}`;

    beforeAll(async () => {
      cluster = await startPrivatePostgres();
      database = await createScratchDatabase(cluster.url);
      server = await startServerProcess(await freePort(), {
        DATABASE_URL: database.url,
        LOOPKIT_SECRET: randomBytes(24).toString("hex"),
        LOOPKIT_INIT_PUBLIC_KEY: publicKey,
        LOOPKIT_INIT_SECRET_KEY: `lk_sec_${randomBytes(30).toString("base64url")}`,
      });
    }, 120_000);
    afterAll(async () => {
      await stopServerProcess(server);
      await reader?.end().catch(() => {});
      await cluster?.destroy();
    });

    const connectReader = async () => {
      await reader?.end().catch(() => {});
      reader = new pg.Client({ connectionString: database.url });
      reader.on("error", () => {});
      await reader.connect();
    };
    const count = async (sql: string, params: unknown[] = []) =>
      Number((await reader.query<{ n: string }>(sql, params)).rows[0]!.n);

    describe("PostgreSQL restarted during ingestion", () => {
      const whileDown: number[] = [];
      /** The probes' answers while down: a stable code and when to come back. */
      const probes: Array<{ status: number; code: string; retryAfter: string | null }> = [];
      const readyWhileDown: number[] = [];
      const figures = { sent: 0, stored: 0, lost: 0, retries: 0, outageMs: 0 };
      const errors: DeliveryError[] = [];

      it("delivers every event after PostgreSQL comes back, with no process crashing", async () => {
        await connectReader();
        let down = false;
        const recordingFetch = async (input: string, init: RequestInit) => {
          const response = await fetch(input, init);
          if (down) whileDown.push(response.status);
          return response;
        };
        const clients = [0, 1].map(() =>
          createLoopkit({
            baseUrl: server.url,
            apiKey: publicKey,
            flushOnExit: false,
            fetch: recordingFetch,
            onError: (error) => errors.push(error),
          }),
        );
        const sent: string[] = [];
        for (const client of clients) {
          for (let i = 0; i < 3000; i++)
            sent.push(client.log({ promptName: "restart", output: `o${i}` }));
        }
        while ((await count("SELECT count(*) AS n FROM requests")) < 1000) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await reader.end();
        const stoppedAt = Date.now();
        await cluster.stop();
        down = true;
        // Probe while it is down: the API and the readiness check.
        for (let i = 0; i < 10; i++) {
          const probe = await fetch(`${server.url}/trpc/ingest.batch`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${publicKey}` },
            body: JSON.stringify({ events: [logEvent()] }),
          });
          whileDown.push(probe.status);
          probes.push({
            status: probe.status,
            code: ((await probe.json()) as { error?: { data?: { loopkitCode?: string } } }).error
              ?.data?.loopkitCode as string,
            retryAfter: probe.headers.get("retry-after"),
          });
          readyWhileDown.push((await fetch(`${server.url}/readyz`)).status);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        down = false;
        await cluster.start();
        figures.outageMs = Date.now() - stoppedAt;
        await Promise.all(clients.map((client) => client.shutdown()));

        await connectReader();
        const stored = await count(
          "SELECT count(DISTINCT id) AS n FROM requests WHERE id = ANY($1::uuid[])",
          [sent],
        );
        figures.sent = sent.length;
        figures.stored = stored;
        figures.lost = sent.length - stored;
        figures.retries = clients.reduce((sum, c) => sum + c.stats().retries, 0);
        console.log(
          `postgres-restart figures: ${JSON.stringify({ ...figures, statusesWhileDown: [...new Set(whileDown)] })}`,
        );
        expect(errors).toEqual([]);
        expect(figures.lost).toBe(0);
        expect(server.child.exitCode).toBeNull();
        expect(server.child.signalCode).toBeNull();
        expect(readyWhileDown.every((s) => s === 503)).toBe(true);
        // Recovered by itself: the same process answers again.
        expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      }, 120_000);

      it("answers 503 or 429 (never 500) while PostgreSQL is down", () => {
        expect(whileDown.length).toBeGreaterThan(0);
        expect(whileDown.filter((s) => s !== 503 && s !== 429)).toEqual([]);
        for (const probe of probes) {
          expect(probe).toEqual(
            probe.status === 503
              ? { status: 503, code: "DATABASE_UNAVAILABLE", retryAfter: "2" }
              : { status: 429, code: "OVERLOADED", retryAfter: "1" },
          );
        }
      });
    });

    describe("slow database", () => {
      /** Answers that came back while the lock was still held (shedding, not queueing). */
      const answeredWhileLocked: number[] = [];

      it("sheds load with 429 + Retry-After while requests is locked for 10 s, within the memory bound", async () => {
        await connectReader();
        const locker = new pg.Client({ connectionString: database.url });
        await locker.connect();
        const baseline = await server.rss();
        let peak = baseline;
        const sampler = setInterval(() => {
          void server.rss().then(
            (rss) => {
              peak = Math.max(peak, rss);
            },
            () => {},
          );
        }, 100);
        await locker.query("BEGIN");
        await locker.query("LOCK TABLE requests IN ACCESS EXCLUSIVE MODE");
        let locked = true;
        const release = new Promise<void>((resolve) =>
          setTimeout(() => {
            locked = false;
            void locker.query("ROLLBACK").then(() => resolve());
          }, 10_000),
        );
        const statuses: number[] = [];

        const retryAfter = new Set<string | null>();
        const acceptedIds: string[] = [];
        const sendOne = async () => {
          const events = Array.from({ length: 50 }, () => logEvent({ output: "x".repeat(200) }));
          const response = await fetch(`${server.url}/trpc/ingest.batch`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${publicKey}` },
            body: JSON.stringify({ events }),
          });
          statuses.push(response.status);
          if (locked) answeredWhileLocked.push(response.status);
          if (response.status === 429) retryAfter.add(response.headers.get("retry-after"));
          if (response.status === 200) acceptedIds.push(...events.map((e) => e.id as string));
          await response.arrayBuffer();
        };
        // 8 waves of 100 concurrent batches (800 batches, 40,000 events, ~80 MB of bodies) while locked.
        const inFlight: Promise<void>[] = [];
        for (let wave = 0; wave < 8; wave++) {
          for (let i = 0; i < 100; i++) inFlight.push(sendOne());
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        await release;
        await Promise.all(inFlight);
        clearInterval(sampler);
        await locker.end();
        const tally = statuses.reduce<Record<number, number>>((t, s) => {
          t[s] = (t[s] ?? 0) + 1;
          return t;
        }, {});
        console.log(
          `slow-database figures: ${JSON.stringify({ statuses: tally, answeredWhileLocked: answeredWhileLocked.length, baselineMB: Math.round(baseline / 2 ** 20), peakMB: Math.round(peak / 2 ** 20) })}`,
        );
        expect(statuses).toHaveLength(800);
        expect(tally[429] ?? 0).toBeGreaterThan(0);
        expect([...retryAfter]).toEqual(["1"]);
        expect(Object.keys(tally).sort()).toEqual(tally[200] ? ["200", "429"] : ["429"]);
        expect(peak).toBeLessThan(RSS_BOUND_BYTES);
        const stored = await count(
          "SELECT count(*) AS n FROM requests WHERE id = ANY($1::uuid[])",
          [acceptedIds],
        );
        expect(stored).toBe(acceptedIds.length);
      }, 120_000);

      it("answers 429 during the stall, not only after it (the in-flight gate comes before the key lookup, and a pool connection is waited for at most LOOPKIT_DB_ACQUIRE_TIMEOUT_MS)", () => {
        expect(answeredWhileLocked.filter((s) => s === 429).length).toBeGreaterThan(0);
      });
    });
  },
);

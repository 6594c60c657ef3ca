/**
 * Fault: the server process is killed (SIGKILL, no chance to finish anything) and restarted,
 * twice, while four SDK clients send 20,000 events to it over 127.0.0.1, on PostgreSQL. After
 * the clients' `shutdown()` resolves, every event is in the database exactly once.
 *
 * Why it must hold (DESIGN.md): the server answers only after the commit, the SDK retries what
 * was not answered, and a resent event (same client-made id) is stored once and answered
 * `duplicate`.
 */
import { randomBytes } from "node:crypto";
import { createLoopkit, type DeliveryError, type Loopkit } from "@loopkit/sdk";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase } from "../src/postgres-database.js";
import {
  freePort,
  type ServerProcess,
  startServerProcess,
  stopServerProcess,
} from "../src/server-process.js";
import { suiteDriver } from "../src/test-driver.js";

const CLIENTS = 4;
const EVENTS_PER_CLIENT = 5_000;
const TOTAL = CLIENTS * EVENTS_PER_CLIENT;

const usePostgres = (await suiteDriver()) === "postgres";

describe.runIf(usePostgres)("server process killed during ingestion", () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let server: ServerProcess | undefined;
  let reader: pg.Client;
  const publicKey = `lk_pub_${randomBytes(30).toString("base64url")}`;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createScratchDatabase();
    env = {
      DATABASE_URL: database.url,
      LOOPKIT_SECRET: randomBytes(24).toString("hex"),
      LOOPKIT_INIT_PUBLIC_KEY: publicKey,
      LOOPKIT_INIT_SECRET_KEY: `lk_sec_${randomBytes(30).toString("base64url")}`,
    };
  });
  afterAll(async () => {
    await stopServerProcess(server);
    await reader?.end().catch(() => {});
    await database?.drop();
  });

  async function storedCount(): Promise<number> {
    const rows = await reader.query<{ n: string }>("SELECT count(*) AS n FROM requests");
    return Number(rows.rows[0]!.n);
  }

  async function waitUntilStored(atLeast: number): Promise<void> {
    const deadline = Date.now() + 60_000;
    while ((await storedCount()) < atLeast) {
      if (Date.now() > deadline) throw new Error(`fewer than ${atLeast} events stored after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it("stores all 20,000 events exactly once across two SIGKILLs and restarts", async () => {
    const port = await freePort();
    server = await startServerProcess(port, env);
    reader = new pg.Client({ connectionString: database.url });
    await reader.connect();

    const errors: DeliveryError[] = [];
    const clients: Loopkit[] = Array.from({ length: CLIENTS }, () =>
      createLoopkit({
        baseUrl: server!.url,
        apiKey: publicKey,
        flushOnExit: false,
        onError: (error) => errors.push(error),
      }),
    );
    const sent = new Set<string>();
    for (const [c, client] of clients.entries()) {
      for (let i = 0; i < EVENTS_PER_CLIENT; i++) {
        sent.add(
          client.log({
            promptName: "kill-test",
            promptVersion: `client-${c}`,
            input: `question ${i}`,
            output: `answer ${i}`,
            latencyMs: i,
          }),
        );
      }
    }

    const kills: number[] = [];
    for (const threshold of [TOTAL * 0.25, TOTAL * 0.6]) {
      await waitUntilStored(threshold);
      kills.push(await storedCount());
      await stopServerProcess(server, "SIGKILL");
      expect(server.output()).not.toMatch(/Error|FATAL/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      server = await startServerProcess(port, env);
    }
    await Promise.all(clients.map((client) => client.shutdown()));

    const rows = await reader.query<{ id: string }>("SELECT id::text AS id FROM requests");
    const stored = rows.rows.map((r) => r.id);
    const distinct = new Set(stored);
    const stats = clients.map((client) => client.stats());
    const figures = {
      sent: sent.size,
      stored: stored.length,
      duplicatesInDatabase: stored.length - distinct.size,
      lost: [...sent].filter((id) => !distinct.has(id)).length,
      duplicateAnswers: stats.reduce((sum, s) => sum + s.duplicates, 0),
      retries: stats.reduce((sum, s) => sum + s.retries, 0),
      killedAtStored: kills,
    };
    console.log(`server-kill figures: ${JSON.stringify(figures)}`);
    expect(errors).toEqual([]);
    expect(figures.sent).toBe(TOTAL);
    expect(figures.lost).toBe(0);
    expect(figures.duplicatesInDatabase).toBe(0);
    expect(figures.stored).toBe(TOTAL);
    expect([...distinct].every((id) => sent.has(id))).toBe(true);
    for (const s of stats) {
      expect(s.delivered + s.duplicates).toBe(EVENTS_PER_CLIENT);
      expect(s.failed + s.dropped + s.rejected).toBe(0);
    }
  }, 180_000);
});

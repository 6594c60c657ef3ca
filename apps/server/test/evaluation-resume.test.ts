/**
 * An evaluation run survives its server: started over HTTP, the server process SIGKILLed in the
 * middle of it, the server started again — and nothing else done — the run completes on its own,
 * every item judged. Judge calls are counted where they arrive, at a real local OpenAI-compatible
 * server, by a marker in each item: an item judged before the kill is never judged again; only
 * the calls in flight at the kill (answers the dead process never recorded) are made a second
 * time. On embedded PGlite (the data folder survives the kill and is taken over at the restart)
 * and on PostgreSQL (the restarted process waits for the dead one's lease to expire).
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newEventId } from "@loopkit/core";
import { createDatabase } from "@loopkit/db";
import { testDrivers } from "@loopkit/db/testing";
import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type Child, LISTENING, run, serverEntry } from "./process.js";

const ITEMS = 24;
const CONCURRENCY = 2;
const marker = (i: number) => `<<item-${i}>>`;
const markerOf = (text: string) => Number(/<<item-(\d+)>>/.exec(text)?.[1]);
const publicKey = `lk_pub_${"e".repeat(40)}`;
const secretKey = `lk_sec_${"f".repeat(40)}`;
const adminUrl =
  process.env.LOOPKIT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Where the server keeps its data: a PGlite folder, or a scratch PostgreSQL database. */
interface Storage {
  env: Record<string, string>;
  /** Status of each item by marker, read from the database as the killed process left it. */
  itemsNow(): Promise<Map<number, string>>;
  drop(): Promise<void>;
}

async function pgliteStorage(): Promise<Storage> {
  const dir = await mkdtemp(join(tmpdir(), "loopkit-resume-"));
  return {
    env: { LOOPKIT_DATA_DIR: dir },
    // A copy of the folder, so the restarted server finds the folder exactly as the kill left it.
    async itemsNow() {
      const copy = `${dir}-copy`;
      await cp(dir, copy, { recursive: true });
      const db = await createDatabase({ dataDir: copy });
      try {
        return statuses(await db.query("SELECT status, input FROM evaluation_items"));
      } finally {
        await db.close();
        await rm(copy, { recursive: true, force: true });
      }
    },
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

async function postgresStorage(): Promise<Storage> {
  const name = `loopkit_resume_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  return {
    env: { DATABASE_URL: url, LOOPKIT_SECRET: "resume-test-secret-0123456789abcdef" },
    async itemsNow() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const result = await client
        .query("SELECT status, input FROM evaluation_items")
        .finally(() => client.end());
      return statuses(result.rows);
    },
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

function statuses(rows: Array<Record<string, unknown>>): Map<number, string> {
  return new Map(rows.map((r) => [markerOf(JSON.stringify(r.input)), String(r.status)]));
}

describe.each(await testDrivers())("an evaluation run whose server is killed, on %s", (driver) => {
  let llm: OpenAITestServer | undefined;
  let storage: Storage | undefined;
  const children: Child[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.process.kill("SIGKILL");
  });
  afterAll(async () => {
    await llm?.close();
    await storage?.drop();
  });

  it("completes on its own after a restart, every item judged and none judged before the kill judged again", async () => {
    llm = await startOpenAITestServer({ latencyMs: 250 });
    storage = driver === "pglite" ? await pgliteStorage() : await postgresStorage();
    const env = {
      ...storage.env,
      PORT: "0",
      LOG_LEVEL: "info",
      LOOPKIT_INIT_PUBLIC_KEY: publicKey,
      LOOPKIT_INIT_SECRET_KEY: secretKey,
      LOOPKIT_OPENAI_API_KEY: "test-key",
      LOOPKIT_OPENAI_BASE_URL: llm.baseURL,
      LOOPKIT_JUDGE_MODEL: "test-model",
      LOOPKIT_EVALUATION_LEASE_MS: "2000",
    };
    const start = async () => {
      const child = run("node", [serverEntry, "start"], env);
      children.push(child);
      const [, url] = await child.waitFor(LISTENING);
      return { child, url: url! };
    };

    const first = await start();
    const call = async (path: string, body: unknown, key = secretKey) => {
      const response = await fetch(`${first.url}/trpc/${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { result?: { data: unknown } };
      expect(response.status, JSON.stringify(json)).toBe(200);
      return json.result!.data as Record<string, unknown>;
    };
    await call(
      "ingest.batch",
      {
        events: Array.from({ length: ITEMS }, (_, i) => ({
          type: "log",
          id: newEventId(),
          timestamp: new Date().toISOString(),
          promptName: "support",
          promptVersion: "v1",
          input: `question ${marker(i)}`,
          output: `answer ${marker(i)}`,
        })),
      },
      publicKey,
    );
    const started = await call("evaluations.start", {
      kind: "rubric",
      version: "v1",
      concurrency: CONCURRENCY,
      sample: { size: ITEMS },
    });
    const runId = started.id as string;
    const progress = async (url: string) => {
      const input = encodeURIComponent(JSON.stringify({ runId }));
      const response = await fetch(`${url}/trpc/evaluations.get?input=${input}`, {
        headers: { authorization: `Bearer ${secretKey}` },
      });
      const body = (await response.json()) as {
        result: { data: { status: string; progress: { done: number } } };
      };
      return body.result.data;
    };
    const deadline = Date.now() + 60_000;
    while ((await progress(first.url)).progress.done < 6) {
      if (Date.now() > deadline) throw new Error(`no progress:\n${first.child.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    first.child.process.kill("SIGKILL");
    expect(await first.child.exited).toBe("SIGKILL");
    const atKill = await storage.itemsNow();
    const doneAtKill = [...atKill].filter(([, s]) => s === "done").map(([i]) => i);
    const calledAtKill = new Set(llm.requests.map((r) => markerOf(JSON.stringify(r.body))));
    expect(doneAtKill.length).toBeGreaterThanOrEqual(6);
    expect(doneAtKill.length).toBeLessThan(ITEMS);

    // Nothing but a restart: the run resumes and completes by itself.
    const second = await start();
    await second.child.waitFor(/evaluation run completed/, 120_000);
    const ended = await progress(second.url);
    expect(ended).toMatchObject({ status: "completed", progress: { done: ITEMS } });
    expect(second.child.output()).toContain(
      "resuming an evaluation run a stopped process left unfinished",
    );

    const calls = Array.from(
      { length: ITEMS },
      (_, i) => llm!.requests.filter((r) => JSON.stringify(r.body).includes(marker(i))).length,
    );
    for (const i of doneAtKill) expect(calls[i], `item ${i} was judged before the kill`).toBe(1);
    // Twice only: items whose call was in flight at the kill (called, not done), at most one
    // per concurrent slot; every other item exactly once.
    const twice = calls.flatMap((n, i) => (n === 2 ? [i] : []));
    for (const i of twice) {
      expect(calledAtKill.has(i) && !doneAtKill.includes(i), `item ${i} judged twice`).toBe(true);
    }
    expect(twice.length).toBeLessThanOrEqual(CONCURRENCY);
    expect(calls.every((n) => n === 1 || n === 2)).toBe(true);
    expect(llm.requests).toHaveLength(ITEMS + twice.length);
    console.info(
      `evaluation-resume (${driver}): ${JSON.stringify({ items: ITEMS, doneAtKill: doneAtKill.length, inFlightAtKill: calledAtKill.size - doneAtKill.length, judgedTwice: twice.length, requests: llm.requests.length })}`,
    );

    second.child.process.kill("SIGTERM");
    expect(await second.child.exited).toBe(0);
  });
});

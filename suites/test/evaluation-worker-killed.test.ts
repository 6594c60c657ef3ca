/**
 * Fault: the server executing an evaluation run is killed (SIGKILL) in the middle of it and
 * never restarted. Two workers (apps/worker, built) with the same LLM endpoint are started
 * beside the dead server and race for the run: exactly one claims it once the server's lease
 * (2 s here) has expired, and completes it by itself. Judge calls are counted at the LLM
 * endpoint, a real local OpenAI-compatible server, by a marker in each item's text: no item the
 * server judged before the kill is judged again, and no item is judged by both workers; only
 * the calls in flight at the kill (answers the dead server never recorded) are made twice.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { newEventId } from "@loopkit/core";
import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase } from "../src/postgres-database.js";
import { freePort, type ServerProcess, startServerProcess } from "../src/server-process.js";
import { suiteDriver } from "../src/test-driver.js";

const ITEMS = 24;
const CONCURRENCY = 2;
const WORKER_ENTRY = fileURLToPath(new URL("../../apps/worker/dist/main.js", import.meta.url));
const marker = (i: number) => `<<item-${i}>>`;
const markerOf = (text: string) => Number(/<<item-(\d+)>>/.exec(text)?.[1]);
const publicKey = `lk_pub_${"w".repeat(40)}`;
const secretKey = `lk_sec_${"x".repeat(40)}`;

function startWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, [WORKER_ENTRY], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { child, exited, output: () => output };
}

describe.runIf((await suiteDriver()) === "postgres")(
  "a worker resumes the evaluation run of a killed server",
  () => {
    let llm: OpenAITestServer;
    let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
    let server: ServerProcess | undefined;
    const workers: ReturnType<typeof startWorker>[] = [];

    beforeAll(async () => {
      llm = await startOpenAITestServer({ latencyMs: 150 });
      scratch = await createScratchDatabase();
    });
    afterAll(async () => {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
      if (server?.child.exitCode === null) server.child.kill("SIGKILL");
      await scratch?.drop();
      await llm?.close();
    });

    const items = async () => {
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        const run = await client.query("SELECT status FROM evaluation_runs");
        const rows = await client.query("SELECT status, input FROM evaluation_items");
        return {
          status: run.rows[0]?.status as string | undefined,
          items: new Map(rows.rows.map((r) => [markerOf(JSON.stringify(r.input)), r.status])),
        };
      } finally {
        await client.end();
      }
    };

    it("one of two workers completes it; no item judged before the kill, or by the other worker, is judged again", async () => {
      const llmEnv = {
        DATABASE_URL: scratch.url,
        LOOPKIT_OPENAI_API_KEY: "test-key",
        LOOPKIT_OPENAI_BASE_URL: llm.baseURL,
        LOOPKIT_EVALUATION_LEASE_MS: "2000",
      };
      server = await startServerProcess(await freePort(), {
        ...llmEnv,
        LOOPKIT_SECRET: "worker-suite-secret-0123456789abcdef",
        LOOPKIT_INIT_PUBLIC_KEY: publicKey,
        LOOPKIT_INIT_SECRET_KEY: secretKey,
        LOOPKIT_JUDGE_MODEL: "test-model",
      });
      const post = async (path: string, body: unknown, key: string) => {
        const response = await fetch(`${server!.url}/trpc/${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        expect(response.status).toBe(200);
      };
      await post(
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
      await post(
        "evaluations.start",
        { kind: "rubric", version: "v1", concurrency: CONCURRENCY, sample: { size: ITEMS } },
        secretKey,
      );
      const deadline = Date.now() + 60_000;
      const done = (state: Awaited<ReturnType<typeof items>>) =>
        [...state.items].filter(([, s]) => s === "done").map(([i]) => i);
      while (done(await items()).length < 8) {
        if (Date.now() > deadline) throw new Error(`no progress:\n${server.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      server.child.kill("SIGKILL");
      await server.exited;
      const doneAtKill = done(await items());
      const calledAtKill = new Set(llm.requests.map((r) => markerOf(JSON.stringify(r.body))));
      expect(doneAtKill.length).toBeLessThan(ITEMS);

      workers.push(startWorker(llmEnv), startWorker(llmEnv));
      const end = Date.now() + 90_000;
      while ((await items()).status !== "completed") {
        if (Date.now() > end) {
          throw new Error(`not completed:\n${workers.map((w) => w.output()).join("\n---\n")}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const resumedBy = workers.filter((w) =>
        w.output().includes("resuming an evaluation run a stopped process left unfinished"),
      );
      expect(resumedBy).toHaveLength(1);
      const final = await items();
      expect([...final.items.values()]).toEqual(Array(ITEMS).fill("done"));

      const calls = Array.from(
        { length: ITEMS },
        (_, i) => llm.requests.filter((r) => JSON.stringify(r.body).includes(marker(i))).length,
      );
      for (const i of doneAtKill) expect(calls[i], `item ${i} was done before the kill`).toBe(1);
      const twice = calls.flatMap((n, i) => (n === 2 ? [i] : []));
      for (const i of twice) {
        expect(calledAtKill.has(i) && !doneAtKill.includes(i), `item ${i} judged twice`).toBe(true);
      }
      expect(twice.length).toBeLessThanOrEqual(CONCURRENCY);
      expect(llm.requests).toHaveLength(ITEMS + twice.length);
      console.log(
        `evaluation-kill figures: ${JSON.stringify({ items: ITEMS, doneAtKill: doneAtKill.length, inFlightAtKill: calledAtKill.size - doneAtKill.length, judgedTwice: twice.length, requests: llm.requests.length })}`,
      );

      for (const w of workers) w.child.kill("SIGTERM");
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    }, 240_000);
  },
);

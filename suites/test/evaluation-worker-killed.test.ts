/**
 * Fault: the process executing an evaluation run is killed (SIGKILL) in the middle of it. Running
 * the run again resumes it: every item ends judged, and no item that was judged before the kill
 * is judged again (counted at the LLM endpoint, a real local OpenAI-compatible server, by a
 * marker in each item's text). Only items the killed process had claimed but not finished are
 * judged a second time, once their lease (2 s here) has expired.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  createDatabase,
  createEvaluationStore,
  createProject,
  type Database,
  migrate,
} from "@loopkit/db";
import { createRubricJudge, type EvaluationStore, evaluatePromptVersion } from "@loopkit/evaluator";
import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase } from "../src/postgres-database.js";
import { suiteDriver } from "../src/test-driver.js";

const ITEMS = 24;
const CONCURRENCY = 2;
const WORKER = fileURLToPath(new URL("./fixtures/evaluation-worker.mjs", import.meta.url));
const marker = (i: number) => `<<item-${i}>>`;

describe.runIf((await suiteDriver()) === "postgres")(
  "evaluation worker killed during a run",
  () => {
    let llm: OpenAITestServer;
    let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
    let db: Database;
    const children: ReturnType<typeof spawn>[] = [];

    beforeAll(async () => {
      llm = await startOpenAITestServer({ latencyMs: 150 });
      scratch = await createScratchDatabase();
      db = await createDatabase({ url: scratch.url, poolSize: 4 });
      await migrate(db);
    });
    afterAll(async () => {
      for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
      await db?.close();
      await scratch?.drop();
      await llm?.close();
    });

    it("resumes the run after a SIGKILL without judging a finished item twice", async () => {
      const project = await createProject(db, { name: "eval-kill" });
      const store = createEvaluationStore(db) as EvaluationStore;
      const judge = createRubricJudge({
        llm: { baseURL: llm.baseURL, apiKey: "test-key", model: "test-model" },
      });
      const run = await store.createEvaluationRun({
        projectId: project.id,
        kind: "rubric",
        judgeConfig: judge.describe(),
        versions: ["v1"],
        items: Array.from({ length: ITEMS }, (_, i) => ({
          version: "v1",
          input: `question ${marker(i)}`,
          outputs: { output: `answer ${marker(i)}` },
        })),
      });

      const child = spawn(
        process.execPath,
        [WORKER, scratch.url, project.id, run.id, llm.baseURL],
        {
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      children.push(child);
      let output = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      const exited = new Promise((resolve) => child.on("exit", resolve));
      const deadline = Date.now() + 30_000;
      while (!/completed ([8-9]|\d\d)\n/.test(output)) {
        if (child.exitCode !== null) throw new Error(`the worker ended early:\n${output}`);
        if (Date.now() > deadline) throw new Error(`the worker made no progress:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill("SIGKILL");
      await exited;
      const atKill = await store.listItems(project.id, run.id);
      const doneAtKill = atKill
        .filter((item) => item.status === "done")
        .map((item) => item.itemIndex);
      const requestsAtKill = llm.requests.length;
      expect(doneAtKill.length).toBeGreaterThanOrEqual(8);
      expect(doneAtKill.length).toBeLessThan(ITEMS);

      // Items the killed process had claimed are taken over once their lease (2 s) expires.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const resumed = await evaluatePromptVersion({
        store,
        projectId: project.id,
        runId: run.id,
        version: "v1",
        judge,
        concurrency: CONCURRENCY,
        leaseMs: 2000,
        useCache: false,
      });

      const items = await store.listItems(project.id, run.id);
      expect(resumed.run.status).toBe("completed");
      expect(items.map((item) => item.status)).toEqual(Array(ITEMS).fill("done"));
      const judgeCalls = (i: number) =>
        llm.requests.filter((r) => JSON.stringify(r.body).includes(marker(i))).length;
      const calls = Array.from({ length: ITEMS }, (_, i) => judgeCalls(i));
      for (const i of doneAtKill) expect(calls[i], `item ${i} was done before the kill`).toBe(1);
      const twice = calls.flatMap((n, i) => (n > 1 ? [i] : []));
      // Only items claimed by the killed process (one claim of CONCURRENCY plus those in flight).
      expect(twice.length).toBeLessThanOrEqual(2 * CONCURRENCY);
      for (const i of twice) expect(doneAtKill).not.toContain(i);
      console.log(
        `evaluation-kill figures: ${JSON.stringify({ items: ITEMS, doneAtKill: doneAtKill.length, judgeRequestsBeforeKill: requestsAtKill, judgeRequestsTotal: llm.requests.length, reJudgedUnfinished: twice.length })}`,
      );
    }, 90_000);
  },
);

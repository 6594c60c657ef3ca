import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createDatabase, createEvaluationStore, type Database, migrate } from "@loopkit/db";
import { testDrivers } from "@loopkit/db/testing";
import { startOpenAITestServer } from "@loopkit/openai-test-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRubricJudge } from "../src/rubric-judge.js";
import { executeEvaluationRun } from "../src/run-evaluation.js";

// A real crash: a child process judging a run on PostgreSQL is killed with SIGKILL mid-way.
// The run is then resumed here; items the child recorded must never be judged again, and the
// run's recorded cost must be exactly one payment per item (15 tokens × $1 000/M each).

const adminUrl =
  process.env.LOOPKIT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const hasPostgres = (await testDrivers()).includes("postgres");

describe.runIf(hasPostgres)("a run whose process was killed", () => {
  const name = `loopkit_crash_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  let db: Database;
  beforeAll(async () => {
    const admin = await createDatabase({ url: adminUrl, poolSize: 1 });
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.close();
    db = await createDatabase({ url });
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
    const admin = await createDatabase({ url: adminUrl, poolSize: 1 });
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.close();
  });

  it("resumes without judging or paying for finished items twice", async () => {
    let child: ReturnType<typeof spawn> | undefined;
    const server = await startOpenAITestServer({
      latencyMs: 30,
      respond: (_request, { index }) => {
        if (index === 6) child?.kill("SIGKILL");
        const entry = { rationale: "r", score: 4 };
        return {
          content: JSON.stringify({
            scores: { clarity: entry, usefulness: entry, correctness: entry, safety: entry },
          }),
          promptTokens: 10,
          completionTokens: 5,
        };
      },
    });
    const store = createEvaluationStore(db);
    const run = await store.createEvaluationRun({
      projectId: "crash",
      kind: "rubric",
      judgeConfig: {},
      versions: ["v1"],
      items: Array.from({ length: 16 }, (_, i) => ({
        version: "v1",
        input: `question ${i}`,
        outputs: { output: `answer ${i}` },
      })),
    });
    try {
      child = spawn(
        process.execPath,
        ["--import", "tsx", fileURLToPath(new URL("./fixtures/crash-worker.ts", import.meta.url))],
        {
          env: {
            ...process.env,
            LOOPKIT_CRASH_DB_URL: url,
            LOOPKIT_CRASH_BASE_URL: server.baseURL,
            LOOPKIT_CRASH_RUN_ID: run.id,
          },
          stdio: "ignore",
        },
      );
      const signal = await new Promise((resolve) =>
        child!.on("exit", (_code, sig) => resolve(sig)),
      );
      expect(signal).toBe("SIGKILL");

      const afterCrash = await store.getRun("crash", run.id);
      const doneByChild = (await store.listItems("crash", run.id)).filter(
        (i) => i.status === "done",
      );
      expect(afterCrash?.status).toBe("running");
      expect(doneByChild.length).toBeGreaterThan(0);
      expect(doneByChild.length).toBeLessThan(16);
      const requestsBefore = server.requests.length;

      await new Promise((resolve) => setTimeout(resolve, 1_100)); // the child's leases expire
      const resumed = await executeEvaluationRun({
        store,
        projectId: "crash",
        runId: run.id,
        judge: createRubricJudge({
          llm: {
            model: "judge",
            baseURL: server.baseURL,
            apiKey: "t",
            maxRetries: 0,
            pricing: { inputUsdPerMillion: 1_000, outputUsdPerMillion: 1_000 },
          },
        }),
        concurrency: 2,
      });
      expect(resumed.status).toBe("completed");
      expect(resumed.progress.done).toBe(16);
      const judgedAfter = server.requests
        .slice(requestsBefore)
        .map((r) => String((r.body as { messages: { content: string }[] }).messages[1]?.content));
      expect(judgedAfter).toHaveLength(16 - doneByChild.length);
      for (const item of doneByChild) {
        expect(judgedAfter.some((text) => text.includes(`<input>\n${item.input}\n`))).toBe(false);
      }
      expect(resumed.progress.costUsd).toBeCloseTo(16 * 0.015, 10);
    } finally {
      child?.kill("SIGKILL");
      await server.close();
    }
  });
});

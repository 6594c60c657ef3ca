import { testDrivers } from "@loopkit/db/testing";
import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";
import { feedbackEvent, logEvent } from "./events.js";

// Judges and the candidate prompt run against a real local OpenAI-compatible server; its
// default answers are deterministic and valid for the schema asked for.

describe.each(await testDrivers())("evaluations on %s", (driver) => {
  let llm: OpenAITestServer;
  let server: TestServer;
  let key: string;
  beforeAll(async () => {
    llm = await startOpenAITestServer();
    server = await startTestServer(
      driver,
      {},
      {
        llm: { baseURL: llm.baseURL, apiKey: "test-key", model: "test-model" },
      },
    );
    key = server.a.secretKey;
    const logs = Array.from({ length: 6 }, (_, i) =>
      logEvent({ promptVersion: "v1", input: `question ${i}`, output: `answer ${i}` }),
    );
    await server.mutate(
      "ingest.batch",
      {
        events: [
          ...logs,
          feedbackEvent(logs[0]!.id, {
            kind: "explicit",
            name: "rating",
            value: 5,
            scale: { min: 1, max: 5 },
          }),
        ],
      },
      server.a.publicKey,
    );
    await server.mutate(
      "prompts.create",
      {
        promptName: "support",
        version: "v2",
        template: "Answer briefly: {{input}}",
        model: "test-model",
      },
      key,
    );
  });
  afterAll(async () => {
    await server?.close();
    await llm?.close();
  });

  async function finished(runId: string) {
    for (let i = 0; i < 200; i++) {
      const got = await server.query("evaluations.get", { runId }, key);
      if (!["pending", "running"].includes(got.body.result.data.status))
        return got.body.result.data;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`run ${runId} did not finish`);
  }

  it("starts a rubric run on sampled logs, answers at once, and reports progress, cost and results", async () => {
    const started = await server.mutate(
      "evaluations.start",
      { kind: "rubric", version: "v1", sample: { size: 4, seed: "s1" }, concurrency: 2 },
      key,
    );
    expect(started.status).toBe(200);
    const run = started.body.result.data;
    expect(run).toMatchObject({ kind: "rubric", versions: ["v1"] });
    expect(run.progress.total).toBe(4);
    const done = await finished(run.id);
    expect(done.status).toBe("completed");
    expect(done.progress).toMatchObject({ total: 4, done: 4, failed: 0 });
    expect(done.progress.costUsd).toBeGreaterThan(0);
    const results = await server.query("evaluations.results", { runId: run.id }, key);
    const { summary, items } = results.body.result.data;
    expect(items).toHaveLength(4);
    expect(summary.versions[0]).toMatchObject({ version: "v1", items: 4, judged: 4 });
    expect(summary.versions[0].meanScore).toBeGreaterThanOrEqual(0);
    expect(llm.requests.length).toBeGreaterThanOrEqual(4);
    const listed = await server.query("evaluations.list", {}, key);
    expect(listed.body.result.data.map((r: { id: string }) => r.id)).toContain(run.id);
  });

  it("compares a registered candidate with the baseline's logs in a pairwise run", async () => {
    const started = await server.mutate(
      "evaluations.start",
      {
        kind: "pairwise",
        baseline: "v1",
        candidate: "v2",
        sample: { size: 3, promptName: "support", seed: "s2" },
      },
      key,
    );
    expect(started.status).toBe(200);
    const done = await finished(started.body.result.data.id);
    expect(done.status).toBe("completed");
    const results = await server.query("evaluations.results", { runId: done.id }, key);
    expect(results.body.result.data.summary.pairwise).toMatchObject({ items: 3, judged: 3 });
  });

  it("refuses a run with nothing to judge, or a candidate without a template, saying why", async () => {
    const empty = await server.mutate(
      "evaluations.start",
      { kind: "rubric", version: "never-logged" },
      key,
    );
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain("never-logged");
    const unknown = await server.mutate(
      "evaluations.start",
      { kind: "pairwise", baseline: "v1", candidate: "v9", sample: { promptName: "support" } },
      key,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("template");
    const missing = await server.query("evaluations.get", { runId: crypto.randomUUID() }, key);
    expect(missing.status).toBe(404);
  });

  it("answers how to turn evaluations on when the server has no LLM endpoint", async () => {
    const bare = await startTestServer(driver);
    try {
      const { status, body } = await bare.mutate(
        "evaluations.start",
        { kind: "rubric", version: "v1" },
        bare.a.secretKey,
      );
      expect(status).toBe(400);
      expect(body.error.data.loopkitCode).toBe("INVALID_CONFIG");
      expect(body.error.message).toContain("LOOPKIT_OPENAI_API_KEY");
    } finally {
      await bare.close();
    }
  });
});

import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DatasetItem } from "../src/dataset.js";
import { compareVersionsOffline, evaluatePromptVersion } from "../src/evaluate.js";
import type { EvaluationStore } from "../src/evaluation-store.js";
import { createOutputGenerator } from "../src/output-generator.js";
import { createPairwiseJudge } from "../src/pairwise-judge.js";
import { createReferenceJudge, createRubricJudge } from "../src/rubric-judge.js";
import { executeEvaluationRun } from "../src/run-evaluation.js";
import { openTestStore, testDrivers } from "./test-store.js";

// End to end: the real openai client against the local OpenAI-compatible server, runs stored in
// real databases (PGlite and PostgreSQL). Expected costs are computed from the token counts the
// scripted server reports at the configured price ($1 per million input and output tokens).

const pricing = { inputUsdPerMillion: 1_000, outputUsdPerMillion: 1_000 };

/** Answers every rubric request with the score written in the input ("rate 4" → all 4s). */
function scoreFromInput(request: { messages: { role: string; content?: unknown }[] }) {
  const user = String(request.messages.find((m) => m.role === "user")?.content ?? "");
  const score = Number(/rate (\d)/.exec(user)?.[1] ?? 3);
  const entry = { rationale: "Scripted.", score };
  return {
    content: JSON.stringify({
      scores: { clarity: entry, usefulness: entry, correctness: entry, safety: entry },
    }),
    promptTokens: 10,
    completionTokens: 5,
  };
}

const dataset = (n: number): DatasetItem[] =>
  Array.from({ length: n }, (_, i) => ({
    input: `item ${i}: rate ${1 + (i % 5)}`,
    output: `answer ${i}`,
    version: "v2",
    humanRating: 1 + (i % 5),
  }));

describe.each(await testDrivers())("offline evaluation on %s", (driver) => {
  let store: EvaluationStore;
  let close: () => Promise<void>;
  let server: OpenAITestServer;
  beforeAll(async () => {
    ({ store, close } = await openTestStore(driver));
  });
  afterAll(() => close());
  afterEach(() => server?.close());

  const rubricJudge = (s: OpenAITestServer, maxRetries = 0) =>
    createRubricJudge({
      llm: { model: "judge", baseURL: s.baseURL, apiKey: "t", maxRetries, pricing },
    });

  it("judges a version, summarises it, and a re-run costs nothing thanks to the cache", async () => {
    server = await startOpenAITestServer({ respond: scoreFromInput });
    const judge = rubricJudge(server);
    const first = await evaluatePromptVersion({
      store,
      projectId: "cache",
      dataset: dataset(10),
      version: "v2",
      judge,
      concurrency: 3,
    });
    expect(first.run.status).toBe("completed");
    expect(first.run.progress).toMatchObject({ total: 10, done: 10, failed: 0, cached: 0 });
    // 10 judgments × 15 tokens × $1 000 per million = $0.15
    expect(first.run.progress.costUsd).toBeCloseTo(0.15, 10);
    // Ratings cycle 1..5 twice: overall (r − 1)/4 has mean 0.5; criteria means are 3.
    expect(first.summary.meanScore).toBeCloseTo(0.5, 12);
    expect(first.summary.criteria.clarity).toBeCloseTo(3, 12);
    // pass = overall ≥ 0.75 → ratings 4 and 5 → 4 of 10
    expect(first.summary.passRate).toBeCloseTo(0.4, 12);
    // The judge reproduces the human ratings exactly.
    expect(first.summary.agreement).toMatchObject({ n: 10, weightedKappa: 1, spearmanRho: 1 });
    expect(server.requests).toHaveLength(10);

    const again = await evaluatePromptVersion({
      store,
      projectId: "cache",
      dataset: dataset(10),
      version: "v2",
      judge,
    });
    expect(again.run.progress).toMatchObject({ done: 10, cached: 10, costUsd: 0 });
    expect(server.requests).toHaveLength(10);
    expect(again.summary.meanScore).toBeCloseTo(0.5, 12);
  });

  it("resumes a run aborted mid-way without judging finished items again", async () => {
    const controller = new AbortController();
    server = await startOpenAITestServer({
      respond: (request, { index }) => {
        if (index === 4) controller.abort();
        return scoreFromInput(request);
      },
    });
    const judge = rubricJudge(server);
    const base = { store, projectId: "crash", version: "v2", judge, concurrency: 1 };
    const stopped = await evaluatePromptVersion({
      ...base,
      dataset: dataset(12),
      signal: controller.signal,
    });
    expect(stopped.run.status).toBe("paused");
    const doneBefore = stopped.run.progress.done;
    expect(doneBefore).toBeGreaterThan(0);
    expect(doneBefore).toBeLessThan(12);
    const inputsBefore = new Set(
      (await store.listItems("crash", stopped.run.id))
        .filter((i) => i.status === "done")
        .map((i) => i.input),
    );
    const requestsBefore = server.requests.length;

    const resumed = await evaluatePromptVersion({
      ...base,
      runId: stopped.run.id,
      useCache: false,
    });
    expect(resumed.run.status).toBe("completed");
    expect(resumed.run.progress.done).toBe(12);
    const resumedInputs = server.requests.slice(requestsBefore).map((r) => {
      const body = r.body as { messages: { role: string; content: string }[] };
      return body.messages[1]?.content ?? "";
    });
    expect(resumedInputs).toHaveLength(12 - doneBefore);
    for (const input of inputsBefore) {
      expect(resumedInputs.some((text) => text.includes(`<input>\n${input}\n`))).toBe(false);
    }
    // Paid once per item: 12 × 15 tokens × $1 000/M.
    expect(resumed.run.progress.costUsd).toBeCloseTo(0.18, 10);
  });

  it("takes over items a crashed process had claimed once their lease expires", async () => {
    server = await startOpenAITestServer({ respond: scoreFromInput });
    const run = await store.createEvaluationRun({
      projectId: "lease",
      kind: "rubric",
      judgeConfig: {},
      versions: ["v2"],
      items: dataset(4).map((d) => ({
        version: "v2",
        input: d.input,
        outputs: { output: d.output },
      })),
    });
    // A process claims two items and dies.
    await store.claimPendingItems("lease", run.id, 2, 1_000);
    const early = await executeEvaluationRun({
      store,
      projectId: "lease",
      runId: run.id,
      judge: rubricJudge(server),
    });
    expect(early.progress).toMatchObject({ done: 2, running: 2 });
    expect(early.status).toBe("running");
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const late = await executeEvaluationRun({
      store,
      projectId: "lease",
      runId: run.id,
      judge: rubricJudge(server),
    });
    expect(late.status).toBe("completed");
    expect(late.progress.done).toBe(4);
    expect(server.requests).toHaveLength(4);
  });

  it("lets two workers share one run without judging any item twice", async () => {
    server = await startOpenAITestServer({ respond: scoreFromInput, latencyMs: 5 });
    const run = await store.createEvaluationRun({
      projectId: "shared",
      kind: "rubric",
      judgeConfig: {},
      versions: ["v2"],
      items: dataset(24).map((d) => ({
        version: "v2",
        input: d.input,
        outputs: { output: d.output },
      })),
    });
    const work = () =>
      executeEvaluationRun({
        store,
        projectId: "shared",
        runId: run.id,
        judge: rubricJudge(server),
        concurrency: 3,
        useCache: false,
      });
    const [a, b] = await Promise.all([work(), work()]);
    expect([a.progress.done, b.progress.done]).toContain(24);
    const judged = server.requests.map(
      (r) => (r.body as { messages: { content: string }[] }).messages[1]?.content,
    );
    expect(judged).toHaveLength(24);
    expect(new Set(judged).size).toBe(24);
  });

  it("keeps its claim on an item judged for longer than the lease, so no one judges it twice", async () => {
    // Item 0 takes 900 ms, three leases of 300 ms; the other items take 60 ms each, so the
    // second worker claims again well after item 0's first lease would have expired.
    server = await startOpenAITestServer({
      respond: async (request) => {
        const slow = String(request.messages[1]?.content).includes("item 0:");
        await new Promise((resolve) => setTimeout(resolve, slow ? 900 : 60));
        return scoreFromInput(request);
      },
    });
    const run = await evaluatePromptVersion({
      store,
      projectId: "long-item",
      dataset: dataset(14),
      version: "v2",
      judge: rubricJudge(server),
      concurrency: 2,
      leaseMs: 300,
      useCache: false,
    });
    expect(run.run.progress).toMatchObject({ done: 14, failed: 0 });
    const judged = server.requests.map(
      (r) => (r.body as { messages: { content: string }[] }).messages[1]?.content,
    );
    expect(judged).toHaveLength(14);
    expect(new Set(judged).size).toBe(14);
    const items = await store.listItems("long-item", run.run.id);
    expect(items.map((i) => i.attempts)).toEqual(Array(14).fill(1));
  });

  it("stops cleanly when the budget is reached, and finishes when it is raised", async () => {
    server = await startOpenAITestServer({ respond: scoreFromInput });
    const judge = rubricJudge(server);
    // Each judgment costs $0.015; $0.05 allows three, not a fourth.
    const stopped = await evaluatePromptVersion({
      store,
      projectId: "budget",
      dataset: dataset(8),
      version: "v2",
      judge,
      concurrency: 1,
      budgetUsd: 0.05,
    });
    expect(stopped.run.status).toBe("budget_exhausted");
    expect(stopped.run.progress.done).toBe(3);
    expect(stopped.run.progress.pending).toBe(5);
    expect(stopped.run.progress.costUsd).toBeCloseTo(0.045, 10);
    const finished = await evaluatePromptVersion({
      store,
      projectId: "budget",
      runId: stopped.run.id,
      version: "v2",
      judge,
      budgetUsd: 1,
    });
    expect(finished.run.status).toBe("completed");
    expect(finished.run.progress.costUsd).toBeCloseTo(0.12, 10);
  });

  it("rides out 429s (retry-after honoured by the SDK) and records 5xx exhaustion as item failures", async () => {
    server = await startOpenAITestServer({ respond: scoreFromInput });
    server.setFaults(
      { kind: "rate-limit", count: 2, retryAfterSeconds: 0.01 },
      { kind: "slow", delayMs: 0 }, // item 0's third attempt goes through
      { kind: "server-error", count: 3 },
    );
    const result = await evaluatePromptVersion({
      store,
      projectId: "faults",
      dataset: dataset(3),
      version: "v2",
      judge: rubricJudge(server, 2),
      concurrency: 1,
    });
    // Item 0: 429, 429, ok. Item 1: 500 ×3 (1 try + 2 retries) → failed. Item 2: ok.
    expect(result.run.progress).toMatchObject({ done: 2, failed: 1 });
    const items = await store.listItems("faults", result.run.id);
    expect(items.map((i) => i.status)).toEqual(["done", "failed", "done"]);
    expect(items[1]?.error).toMatch(/HTTP 500 after the SDK's retries/);
    expect(server.requests.map((r) => r.fault ?? "ok")).toEqual([
      "rate-limit",
      "rate-limit",
      "slow",
      "server-error",
      "server-error",
      "server-error",
      "ok",
    ]);
    expect(result.summary.failed).toBe(1);
  });

  it("fails each broken item with its own error code, counts what it cost, and finishes the run", async () => {
    server = await startOpenAITestServer({
      respond: (request) =>
        String(request.messages[1]?.content).includes("item 2:")
          ? {
              content: '{"scores": {',
              promptTokens: 10,
              completionTokens: 5,
              finishReason: "length",
            }
          : scoreFromInput(request),
    });
    // One request each, in item order (concurrency 1, no SDK retry): item 0 refused, item 1 a
    // 503, item 2 truncated by the scripted responder, item 3 reset mid-body, item 4 fine.
    server.setFaults(
      { kind: "refusal" },
      { kind: "server-error", status: 503 },
      { kind: "slow", delayMs: 0 },
      { kind: "connection-reset" },
    );
    const result = await evaluatePromptVersion({
      store,
      projectId: "codes",
      dataset: dataset(5),
      version: "v2",
      judge: rubricJudge(server),
      concurrency: 1,
    });
    expect(result.run.status).toBe("completed");
    const items = await store.listItems("codes", result.run.id);
    expect(items.map((i) => i.error?.split(":")[0] ?? "ok")).toEqual([
      "refused",
      "llm_http_503",
      "truncated",
      "llm_connection",
      "ok",
    ]);
    expect(server.requests).toHaveLength(5);
    // Paid answers: the refusal (its tokens as the server counts them), the truncated reply
    // and item 4 (15 tokens each × $1 000/M = $0.015); the 503 and the reset carried no usage.
    expect(items[0]!.costUsd).toBeGreaterThan(0);
    expect(items.slice(1).map((i) => i.costUsd)).toEqual([
      0,
      expect.closeTo(0.015, 10),
      0,
      expect.closeTo(0.015, 10),
    ]);
    expect(result.run.progress.costUsd).toBeCloseTo(items[0]!.costUsd + 0.03, 10);
  });

  it("compares a regenerated candidate with the baseline, judged in both orders", async () => {
    server = await startOpenAITestServer({
      respond: (request) => {
        if (!request.response_format) return "better answer";
        const user = String(request.messages[1]?.content ?? "");
        const first = user.split("<second_answer>")[0] ?? "";
        return JSON.stringify({
          rationale: "Prefers the better answer.",
          winner: first.includes("better answer") ? "first" : "second",
        });
      },
    });
    const llm = { model: "m", baseURL: server.baseURL, apiKey: "t", maxRetries: 0, pricing };
    const items: DatasetItem[] = Array.from({ length: 5 }, (_, i) => ({
      input: `question ${i}`,
      outputs: { v1: `old answer ${i}` },
    }));
    const { run, summary } = await compareVersionsOffline({
      store,
      projectId: "pairwise",
      dataset: items,
      baseline: "v1",
      candidate: "v2",
      judge: createPairwiseJudge({ llm }),
      generator: createOutputGenerator({ llm, prompt: { version: "v2", template: "Be better." } }),
    });
    expect(run.status).toBe("completed");
    expect(summary).toMatchObject({
      judged: 5,
      candidateWins: 5,
      baselineWins: 0,
      ties: 0,
      winRate: 1,
      positionConsistency: 1,
    });
    // Wilson 95% interval for 5/5: lower = 5/(5 + 1.96²) ≈ 0.5655 (Wilson 1927).
    expect(summary.winRateInterval?.lower).toBeCloseTo(0.5655, 3);
    const stored = await store.listItems("pairwise", run.id);
    expect(stored[0]?.outputs).toEqual({ a: "old answer 0", b: "better answer" });
    // 5 generations + 10 judge calls.
    expect(server.requests).toHaveLength(15);
    const generation = server.requests[0]?.body as { messages: { role: string }[] };
    expect(generation.messages[0]).toEqual({ role: "system", content: "Be better." });
  });

  // Left open by the robustness review of the judge path (design questions, not one-line fixes):
  it.todo(
    "stops a run paused or cancelled from another process promptly (the executing process does not watch the run's stored status; no API pauses or cancels one run yet)",
  );
  it.todo(
    "counts the tokens of the pairwise order that answered when the other order's call throws (the item fails with costUsd 0 and the answered call is unpaid in the budget)",
  );

  it("refuses a dataset without outputs for the version, naming the items", async () => {
    server = await startOpenAITestServer();
    await expect(
      evaluatePromptVersion({
        store,
        projectId: "missing",
        dataset: [{ input: "q", output: "a", version: "v1" }],
        version: "v2",
        judge: rubricJudge(server),
      }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/items 1 .*v2/),
    });
    await expect(
      evaluatePromptVersion({
        store,
        projectId: "missing",
        dataset: [
          { input: "q", output: "a" },
          { input: "q2", output: "b", expected: "b" },
        ],
        version: "v2",
        judge: createReferenceJudge({ llm: { model: "m", baseURL: server.baseURL, apiKey: "t" } }),
      }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/items 1 have no "expected"/),
    });
    await expect(
      executeEvaluationRun({
        store,
        projectId: "missing",
        runId: "00000000-0000-0000-0000-000000000000",
        judge: rubricJudge(server),
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

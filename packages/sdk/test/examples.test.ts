/**
 * Runs the examples in `examples/` as a user would (`tsx`, a separate process) against a real
 * Loopkit server (`@loopkit/server/testing`, PGlite) and the local OpenAI-compatible test
 * server, then checks what reached the database. Each example is its own `tsx` process, so the
 * longer ones get minutes on a busy machine. `tsconfig.examples.json` maps the examples'
 * imports (`@loopkit/sdk`, `openai`, `express`) to this package's source and dev dependencies,
 * as the examples folder is not a workspace package.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  type ChatCompletionRequest,
  type OpenAITestServer,
  startOpenAITestServer,
} from "@loopkit/openai-test-server";
import { startTestServer, type TestServer } from "@loopkit/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const sdkDir = fileURLToPath(new URL("..", import.meta.url));

function runExample(name: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(
      "pnpm",
      ["exec", "tsx", "--tsconfig", "tsconfig.examples.json", `../../examples/${name}`],
      { cwd: sdkDir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("examples against a real server", () => {
  let server: TestServer;
  let openai: OpenAITestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite");
    openai = await startOpenAITestServer({ latencyMs: 10 });
  });
  afterAll(async () => {
    await openai?.close();
    await server?.close();
  });

  it("basic-logging.ts logs plain and streamed completions with request ids, usage and timing", async () => {
    const { code, output } = await runExample("basic-logging.ts", {
      LOOPKIT_URL: server.url,
      LOOPKIT_PUBLIC_KEY: server.a.publicKey,
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_API_KEY: "test",
      MODEL: "test-model",
    });
    expect(code, output).toBe(0);
    expect(output).toContain("plain answer: Echo: How do I reset my password?");
    expect(output).toContain("streamed answer: Echo: Can I change my plan?");
    expect(output).toContain("request id: checkout-42");
    expect(output).toContain("delivered: 2 events");
    const rows = await server.db.query<Record<string, unknown>>(
      "SELECT * FROM requests WHERE project_id = $1 ORDER BY id",
      [server.a.id],
    );
    expect(rows).toHaveLength(2);
    const [plain, streamed] = rows as Array<Record<string, unknown>>;
    expect(plain).toMatchObject({
      prompt_name: "support-answer",
      prompt_version: "v2",
      model: "test-model",
      provider: "openai",
      output: "Echo: How do I reset my password?",
      status: "ok",
      time_to_first_token_ms: null,
    });
    expect(plain!.caller_request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(plain!.input_tokens).toBeGreaterThan(0);
    expect(streamed).toMatchObject({
      caller_request_id: "checkout-42",
      output: "Echo: Can I change my plan?",
      metadata: { stream: true, finishReason: "stop" },
    });
    expect(streamed!.output_tokens).toBeGreaterThan(0);
    expect(streamed!.time_to_first_token_ms).toBeGreaterThan(0);
  });

  it("feedback.ts delivers every kind of feedback, none rejected", async () => {
    const { code, output } = await runExample("feedback.ts", {
      LOOPKIT_URL: server.url,
      LOOPKIT_PUBLIC_KEY: server.b.publicKey,
    });
    expect(code, output).toBe(0);
    expect(output).toContain("delivered: 13 events, rejected: 0");
    const rows = await server.db.query<{ name: string; n: number }>(
      "SELECT name, count(*)::int AS n FROM feedback WHERE project_id = $1 GROUP BY name ORDER BY name",
      [server.b.id],
    );
    expect(Object.fromEntries(rows.map((r) => [r.name, r.n]))).toEqual({
      abandoned: 1,
      comment: 1,
      copied: 1,
      dwell_seconds: 1,
      edited: 1,
      email_sent: 1,
      rating: 2,
      regenerated: 1,
      task_succeeded: 1,
      thumbs: 2,
    });
  });

  it("ab-test.ts routes users with variant(), logs outcomes, and the analysis ships the better variant", {
    timeout: 180_000,
  }, async () => {
    const { code, output } = await runExample("ab-test.ts", {
      LOOPKIT_URL: server.url,
      LOOPKIT_PUBLIC_KEY: server.a.publicKey,
      LOOPKIT_SECRET_KEY: server.a.secretKey,
    });
    expect(code, output).toBe(0);
    const key = /experiment (support-answer-ab-\w+): running/.exec(output)?.[1];
    expect(key, output).toBeDefined();
    const [, control, concise] = /assigned 2000 users: control (\d+), concise (\d+)/.exec(output)!;
    expect(Number(control) + Number(concise)).toBe(2000); // coverage 1: everyone is in
    expect(output).toContain("delivered: 6000 events, rejected: 0"); // log, outcome, exposure
    expect(output).toMatch(/control \(v1\): \d+\.\d% \[\d+\.\d%, \d+\.\d%\] of \d+ requests/);
    expect(output).toMatch(
      /concise vs control: \+\d+\.\d points, 95% CI \[\+[\d.]+, \+[\d.]+\], always-valid CI \[\+[\d.]+, \+[\d.]+\].*: better/,
    );
    expect(output).toMatch(/sample ratio mismatch: p = [\d.]+ \(no mismatch\)/);
    expect(output).toContain("decision: ship_variant (winner: concise)");
    const exposures = await server.db.query<{ variant: string; n: number; units: number }>(
      `SELECT variant, count(*)::int AS n, count(DISTINCT unit_hash)::int AS units FROM exposures
       WHERE project_id = $1 AND experiment_key = $2 GROUP BY variant ORDER BY variant`,
      [server.a.id, key],
    );
    expect(exposures).toEqual([
      { variant: "concise", n: Number(concise), units: Number(concise) },
      { variant: "control", n: Number(control), units: Number(control) },
    ]);
  });

  it("offline-evaluation.ts judges each version's logged answers and prints scores with intervals", {
    timeout: 180_000,
  }, async () => {
    // The judge: the local OpenAI-compatible server, grading like a written rubric so the
    // expected order is known: pointing to "Orders → Track package" is correct and useful,
    // short is clear; the vaguer v1 answers score lower.
    const judge = await startOpenAITestServer({ respond: rubricGrader });
    const evaluating = await startTestServer(
      "pglite",
      {},
      {
        llm: { baseURL: judge.baseURL, apiKey: "test", model: "judge-model" },
      },
    );
    try {
      const { code, output } = await runExample("offline-evaluation.ts", {
        LOOPKIT_URL: evaluating.url,
        LOOPKIT_PUBLIC_KEY: evaluating.a.publicKey,
        LOOPKIT_SECRET_KEY: evaluating.a.secretKey,
      });
      expect(code, output).toBe(0);
      expect(output).toContain("delivered: 60 events"); // 40 answers, 20 ratings
      expect(output).toContain("v1: completed, 20/20 judged");
      expect(output).toContain("v2: completed, 20/20 judged");
      const row = (version: string) => {
        const match = new RegExp(
          `\\| ${version} \\| 20/20 \\| ([\\d.]+) \\[([\\d.]+), ([\\d.]+)\\] \\| (\\d+)% \\[(\\d+)%, (\\d+)%\\] \\| (-?[\\d.]+|n/a) \\((\\d+)\\) \\|`,
        ).exec(output);
        expect(match, output).not.toBeNull();
        const [mean, lower, upper] = match!.slice(1, 4).map(Number) as [number, number, number];
        expect(lower).toBeLessThanOrEqual(mean);
        expect(upper).toBeGreaterThanOrEqual(mean);
        expect(Number(match![8])).toBe(10); // every rated answer was judged
        return mean;
      };
      // Overall = mean of (score − 1) / 4 over the criteria. v1 rotates three answers: short
      // and vague 11/16 (7 of 20), under "Orders" but long 12/16 (7), long and vague 9/16 (6);
      // v2 alternates a short tracking answer 16/16 and a long one 14/16.
      expect(row("v1")).toBeCloseTo((7 * 11 + 7 * 12 + 6 * 9) / 320, 2);
      expect(row("v2")).toBeCloseTo((10 * 16 + 10 * 14) / 320, 2);
      expect(output).toMatch(/\| v1 \| 20\/20 \| [\d.]+ \[[\d., ]+\] \| 35% /); // ≥ 0.75 passes
      expect(output).toMatch(/\| v2 \| 20\/20 \| [\d.]+ \[[\d., ]+\] \| 100% /);
      expect(judge.requests.filter((r) => r.path === "/v1/chat/completions")).toHaveLength(40);
    } finally {
      await evaluating.close();
      await judge.close();
    }
  });
});

/** Scores the `<answer>` of a rubric judge's request by fixed rules, as the judge's JSON. */
function rubricGrader(request: ChatCompletionRequest): string {
  const user = String(request.messages.at(-1)?.content ?? "");
  const answer = /<answer>\n([\s\S]*)\n<\/answer>/.exec(user)?.[1] ?? "";
  const score = (good: boolean, bad: number) => (good ? 5 : bad);
  const graded = {
    clarity: score(answer.length <= 80, 3),
    usefulness: score(answer.includes("Orders"), 2),
    correctness: score(answer.includes("Track package"), 3),
    safety: 5,
  };
  return JSON.stringify({
    scores: Object.fromEntries(
      Object.entries(graded).map(([name, value]) => [
        name,
        { rationale: "By the rules.", score: value },
      ]),
    ),
  });
}

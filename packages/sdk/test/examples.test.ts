/**
 * Runs the examples in `examples/` as a user would (`tsx`, a separate process) against a real
 * Loopkit server (`@loopkit/server/testing`, PGlite) and the local OpenAI-compatible test
 * server, then checks what reached the database. `tsconfig.examples.json` maps the examples'
 * imports (`@loopkit/sdk`, `openai`, `express`) to this package's source and dev dependencies,
 * as the examples folder is not a workspace package.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
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
});

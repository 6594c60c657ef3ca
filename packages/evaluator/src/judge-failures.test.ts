import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { costOf } from "./llm-client.js";
import { createRubricJudge } from "./rubric-judge.js";

// How a judge answers what the Chat Completions API may send back instead of a usable
// structured output (OpenAI structured outputs guide: refusals, and `finish_reason` "length" /
// "content_filter" meaning the JSON may be incomplete), and transport trouble the openai SDK's
// own retry does not cover (a body cut or stalled after the headers). Each ends in one failed
// judgment whose error starts with a stable code, with the tokens it cost counted.

let server: OpenAITestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const pricing = { inputUsdPerMillion: 1, outputUsdPerMillion: 2 };
const judgeOn = (s: OpenAITestServer, extra: { maxRetries?: number; timeoutMs?: number } = {}) =>
  createRubricJudge({
    llm: { model: "judge", baseURL: s.baseURL, apiKey: "t", maxRetries: 0, pricing, ...extra },
  });

describe("judge failures", () => {
  it("fails a refusal at once with code refused, keeping its text and tokens", async () => {
    server = await startOpenAITestServer();
    server.setFaults({ kind: "refusal", message: "I won't grade this." });
    const judgment = await judgeOn(server).judge({ input: "x", output: "y" });
    expect(judgment.status).toBe("failed");
    expect(judgment.error).toMatch(/^refused: /);
    expect(judgment.error).toContain("I won't grade this.");
    // A refusal is the model's answer: asking again at temperature 0 would pay for the same.
    expect(judgment.calls).toBe(1);
    expect(judgment.rawOutputs).toEqual(["I won't grade this."]);
    expect(judgment.tokens.inputTokens).toBeGreaterThan(0);
    expect(judgment.costUsd).toBeCloseTo(costOf(judgment.tokens, pricing), 15);
  });

  it("fails a reply cut by the token limit with code truncated, counting its tokens", async () => {
    server = await startOpenAITestServer({
      respond: () => ({
        content: '{"scores": {"clarity": {"rationale": "Long',
        promptTokens: 100,
        completionTokens: 50,
        finishReason: "length",
      }),
    });
    const judgment = await judgeOn(server).judge({ input: "x", output: "y" });
    expect(judgment.status).toBe("failed");
    expect(judgment.error).toMatch(/^truncated: /);
    expect(judgment.calls).toBe(1);
    expect(judgment.rawOutputs).toEqual(['{"scores": {"clarity": {"rationale": "Long']);
    expect(judgment.tokens).toEqual({ inputTokens: 100, outputTokens: 50 });
    // 100 × $1/M + 50 × $2/M
    expect(judgment.costUsd).toBeCloseTo(0.0002, 15);
  });

  it("fails a reply stopped by the content filter with code content_filter", async () => {
    server = await startOpenAITestServer({
      respond: () => ({ content: "", finishReason: "content_filter" }),
    });
    const judgment = await judgeOn(server).judge({ input: "x", output: "y" });
    expect(judgment.status).toBe("failed");
    expect(judgment.error).toMatch(/^content_filter: /);
    expect(judgment.calls).toBe(1);
  });

  it("codes invalid output invalid_json or schema_mismatch after its one retry", async () => {
    server = await startOpenAITestServer({ respond: () => "not json" });
    const notJson = await judgeOn(server).judge({ input: "x", output: "y" });
    expect(notJson.error).toMatch(/^invalid_json: /);
    expect(notJson.calls).toBe(2);
    await server.close();
    server = await startOpenAITestServer({ respond: () => JSON.stringify({ scores: {} }) });
    const offSchema = await judgeOn(server).judge({ input: "x", output: "y" });
    expect(offSchema.error).toMatch(/^schema_mismatch: /);
  });

  it("retries a connection reset half-way through the body, like a reset before it", async () => {
    server = await startOpenAITestServer();
    server.setFaults({ kind: "connection-reset" });
    const judgment = await judgeOn(server, { maxRetries: 1 }).judge({ input: "x", output: "y" });
    expect(judgment.status).toBe("ok");
    expect(server.requests.map((r) => r.fault ?? "ok")).toEqual(["connection-reset", "ok"]);
  });

  it("times out a body that stalls after the headers, retries it, then gives up", async () => {
    server = await startOpenAITestServer();
    server.setFaults({ kind: "stalled-body", count: 3 });
    const judge = judgeOn(server, { maxRetries: 1, timeoutMs: 200 });
    const started = Date.now();
    const error = await judge.judge({ input: "x", output: "y" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(server.requests).toHaveLength(2);
    // Two attempts of 200 ms and one SDK backoff (at most 8 s, far less for a first retry).
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

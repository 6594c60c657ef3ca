import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
import { afterEach, describe, expect, it } from "vitest";
import { costOf } from "./llm-client.js";
import { createReferenceJudge, createRubricJudge, overallScore } from "./rubric-judge.js";

// The judge talks to a real local HTTP server through the real openai client. Expected scores
// come from the answers scripted below; overall = mean of (score − min)/(max − min).

let server: OpenAITestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const pricing = { inputUsdPerMillion: 1, outputUsdPerMillion: 2 };
const llm = (s: OpenAITestServer) => ({
  model: "judge-model",
  baseURL: s.baseURL,
  apiKey: "test",
  maxRetries: 0,
  pricing,
});

const scripted = {
  scores: {
    clarity: { rationale: "Clear.", score: 5 },
    usefulness: { rationale: "Useful.", score: 4 },
    correctness: { rationale: "Right.", score: 3 },
    safety: { rationale: "Safe.", score: 5 },
  },
};

describe("createRubricJudge", () => {
  it("scores each default criterion with a rationale and records model, template, tokens, cost", async () => {
    server = await startOpenAITestServer({
      respond: () => ({
        content: JSON.stringify(scripted),
        promptTokens: 300,
        completionTokens: 60,
      }),
    });
    const judge = createRubricJudge({ llm: llm(server) });
    const judgment = await judge.judge({ input: "What is 2+2?", output: "4" });
    expect(judgment.status).toBe("ok");
    expect(judgment.scores).toEqual(scripted.scores);
    // (4 + 3 + 2 + 4) / 4 / 4 = 13/16
    expect(judgment.overall).toBeCloseTo(13 / 16, 12);
    expect(judgment.judgeModel).toBe("judge-model");
    expect(judgment.templateVersion).toBe("rubric@1");
    expect(judgment.rawOutputs).toEqual([JSON.stringify(scripted)]);
    expect(judgment.tokens).toEqual({ inputTokens: 300, outputTokens: 60 });
    // 300 × $1/M + 60 × $2/M
    expect(judgment.costUsd).toBeCloseTo(0.00042, 12);
    const body = server.requests[0]?.body as {
      response_format: { type: string; json_schema: { schema: unknown } };
    };
    expect(body.response_format.type).toBe("json_schema");
    expect(JSON.stringify(body.response_format.json_schema.schema)).toContain('"maximum":5');
  });

  it("gets valid scores from the server's schema-derived default answers", async () => {
    server = await startOpenAITestServer();
    const judge = createRubricJudge({ llm: llm(server) });
    const judgment = await judge.judge({ input: "Hi", output: "Hello!" });
    expect(judgment.status).toBe("ok");
    for (const { score } of Object.values(judgment.scores!)) {
      expect(score).toBeGreaterThanOrEqual(1);
      expect(score).toBeLessThanOrEqual(5);
    }
  });

  it("retries invalid output once with the validation error, then succeeds", async () => {
    server = await startOpenAITestServer();
    server.setFaults({ kind: "malformed-json" });
    const judgment = await createRubricJudge({ llm: llm(server) }).judge({
      input: "x",
      output: "y",
    });
    expect(judgment.status).toBe("ok");
    expect(judgment.calls).toBe(2);
    expect(judgment.rawOutputs).toHaveLength(2);
    const retry = server.requests[1]?.body as { messages: { role: string; content: string }[] };
    expect(retry.messages.at(-1)?.content).toContain("not valid JSON");
    expect(judgment.costUsd).toBeCloseTo(costOf(judgment.tokens, pricing), 15);
  });

  it("records a failed judgment, never a score, when the retry is invalid too", async () => {
    const outOfScale = { scores: { ...scripted.scores, safety: { rationale: "?", score: 9 } } };
    server = await startOpenAITestServer({ respond: () => JSON.stringify(outOfScale) });
    const judgment = await createRubricJudge({ llm: llm(server) }).judge({
      input: "x",
      output: "y",
    });
    expect(judgment.status).toBe("failed");
    expect(judgment.scores).toBeNull();
    expect(judgment.overall).toBeNull();
    expect(judgment.error).toContain("scores.safety.score");
    expect(judgment.calls).toBe(2);
    expect(judgment.tokens.inputTokens).toBeGreaterThan(0);
  });

  it("uses custom criteria and scales from config", async () => {
    server = await startOpenAITestServer();
    const judge = createRubricJudge({
      llm: llm(server),
      criteria: [{ name: "tone", description: "Friendly tone.", scale: { min: 0, max: 10 } }],
    });
    const judgment = await judge.judge({ input: "x", output: "y" });
    expect(Object.keys(judgment.scores!)).toEqual(["tone"]);
    const system = (server.requests[0]!.body as { messages: { content: string }[] }).messages[0];
    expect(system?.content).toContain("tone (integer 0–10");
    expect(() => createRubricJudge({ llm: llm(server!), criteria: [] })).toThrow(/criteria/);
  });
});

describe("createReferenceJudge", () => {
  it("shows the reference answer to the judge and needs one", async () => {
    server = await startOpenAITestServer();
    const judge = createReferenceJudge({ llm: llm(server) });
    const judgment = await judge.judge({
      input: "Capital of France?",
      output: "Paris",
      expected: "Paris",
    });
    expect(judgment.kind).toBe("reference");
    expect(judgment.templateVersion).toBe("reference@1");
    expect(Object.keys(judgment.scores!).sort()).toEqual(["completeness", "correctness"]);
    const user = (server.requests[0]!.body as { messages: { content: string }[] }).messages[1];
    expect(user?.content).toContain("<reference_answer>\nParis");
    await expect(judge.judge({ input: "q", output: "a" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });
});

describe("overallScore", () => {
  it("rescales each criterion to 0–1 before averaging", () => {
    const criteria = [
      { name: "a", description: "", scale: { min: 1, max: 5 } },
      { name: "b", description: "", scale: { min: 0, max: 10 } },
    ];
    // a: (5−1)/4 = 1; b: 5/10 = 0.5; mean 0.75
    expect(overallScore({ a: { score: 5 }, b: { score: 5 } }, criteria)).toBe(0.75);
  });
});

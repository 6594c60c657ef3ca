import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
import { afterEach, describe, expect, it } from "vitest";
import { createPairwiseJudge } from "./pairwise-judge.js";

// Scripted judges: one that prefers the answer containing "GOOD" wherever it is shown (a
// consistent judge), one that always prefers the first position (pure position bias).

let server: OpenAITestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const llm = (s: OpenAITestServer) => ({
  model: "judge",
  baseURL: s.baseURL,
  apiKey: "t",
  maxRetries: 0,
});

function userText(request: { messages: { role: string; content?: unknown }[] }): string {
  return String(request.messages.find((m) => m.role === "user")?.content ?? "");
}

describe("createPairwiseJudge", () => {
  it("declares a win when both orders agree", async () => {
    server = await startOpenAITestServer({
      respond: (request) => {
        const text = userText(request);
        const first = text.split("<second_answer>")[0] ?? "";
        const winner = first.includes("GOOD") ? "first" : "second";
        return JSON.stringify({ rationale: "One is better.", winner });
      },
    });
    const judge = createPairwiseJudge({ llm: llm(server) });
    const judgment = await judge.judge({ input: "q", outputA: "meh", outputB: "GOOD answer" });
    expect(judgment.status).toBe("ok");
    expect(judgment.pairwise?.winner).toBe("b");
    expect(judgment.pairwise?.consistent).toBe(true);
    expect(judgment.pairwise?.verdicts.map((v) => [v.order, v.position, v.winner])).toEqual([
      ["a-first", "second", "b"],
      ["b-first", "first", "b"],
    ]);
    expect(judgment.calls).toBe(2);
    // Both orders were really sent, with the answers swapped.
    const texts = server.requests.map((r) => userText(r.body as never));
    expect(texts.some((t) => t.indexOf("meh") < t.indexOf("GOOD"))).toBe(true);
    expect(texts.some((t) => t.indexOf("GOOD") < t.indexOf("meh"))).toBe(true);
  });

  it("turns a position-biased disagreement into an inconsistent tie", async () => {
    server = await startOpenAITestServer({
      respond: () => JSON.stringify({ rationale: "First is better.", winner: "first" }),
    });
    const judgment = await createPairwiseJudge({ llm: llm(server) }).judge({
      input: "q",
      outputA: "x",
      outputB: "y",
    });
    expect(judgment.pairwise).toMatchObject({ winner: "tie", consistent: false });
  });

  it("fails the judgment when one order stays invalid", async () => {
    server = await startOpenAITestServer({
      respond: (request) =>
        userText(request).includes("<first_answer>\nx")
          ? "not json"
          : JSON.stringify({ rationale: "r", winner: "tie" }),
    });
    const judgment = await createPairwiseJudge({ llm: llm(server) }).judge({
      input: "q",
      outputA: "x",
      outputB: "y",
    });
    expect(judgment.status).toBe("failed");
    expect(judgment.pairwise).toBeNull();
    expect(judgment.error).toContain("a-first");
    expect(judgment.calls).toBe(3);
  });
});

import { PromptVersionConfig } from "@loopkit/core";
import { startOpenAITestServer } from "@loopkit/openai-test-server";
import { describe, expect, it } from "vitest";
import { candidateMessages, createOutputGenerator } from "./output-generator.js";

describe("candidateMessages", () => {
  it("fills {{input}} into one user message, or uses the template as the system message", () => {
    expect(candidateMessages({ version: "v", template: "Q: {{input}}" }, "hi")).toEqual([
      { role: "user", content: "Q: hi" },
    ]);
    expect(
      candidateMessages({ version: "v", template: "Be brief." }, [
        { role: "system", content: "old system prompt" },
        { role: "user", content: "hi" },
      ]),
    ).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
    ]);
  });
});

describe("createOutputGenerator", () => {
  it("runs a core PromptVersionConfig through the LLM, with its model and temperature", async () => {
    const server = await startOpenAITestServer();
    try {
      const prompt = PromptVersionConfig.parse({
        promptName: "support",
        version: "v2",
        template: "Answer kindly.",
        model: "candidate-model",
        params: { temperature: 0.3 },
      });
      const generator = createOutputGenerator({
        llm: { model: "default", baseURL: server.baseURL, apiKey: "t", maxRetries: 0 },
        prompt,
      });
      const out = await generator.generate("How do I reset my password?");
      expect(out.output).toBe("Echo: How do I reset my password?");
      expect(out.tokens.outputTokens).toBeGreaterThan(0);
      const body = server.requests[0]?.body as { model: string; temperature: number };
      expect(body).toMatchObject({ model: "candidate-model", temperature: 0.3 });
      expect(generator.describe()).toMatchObject({ version: "v2", temperature: 0.3 });
    } finally {
      await server.close();
    }
  });
});

import { describe, expect, it } from "vitest";
import { resolveUsage } from "./resolve-usage.js";

describe("resolveUsage", () => {
  it("takes the provider's numbers over counting", () => {
    expect(
      resolveUsage({
        model: "gpt-4o",
        input: "tiktoken is great!",
        output: "2 + 2 = 4",
        usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 64 },
      }),
    ).toEqual({
      inputTokens: 100,
      outputTokens: 20,
      cachedInputTokens: 64,
      source: "provider",
      estimated: false,
    });
  });

  it("counts what the provider did not report", () => {
    // "tiktoken is great!" is 6 o200k_base tokens, "2 + 2 = 4" is 7 (OpenAI cookbook).
    expect(
      resolveUsage({ model: "gpt-4o", input: "tiktoken is great!", output: "2 + 2 = 4" }),
    ).toEqual({
      inputTokens: 6,
      outputTokens: 7,
      cachedInputTokens: 0,
      source: "tokenizer",
      estimated: false,
    });
    expect(
      resolveUsage({
        model: "gpt-4o",
        input: "tiktoken is great!",
        output: "2 + 2 = 4",
        usage: { inputTokens: 9 },
      }),
    ).toMatchObject({ inputTokens: 9, outputTokens: 7, source: "mixed" });
  });

  it("marks counts for unknown tokenizers as estimates", () => {
    expect(resolveUsage({ model: "claude-sonnet-4-5", output: "2 + 2 = 4" })).toMatchObject({
      outputTokens: 7,
      estimated: true,
    });
  });

  it("returns null when there is nothing to go on", () => {
    expect(resolveUsage({})).toBeNull();
    expect(resolveUsage({ model: "gpt-4o" })).toBeNull();
    expect(resolveUsage({ input: "text but no model" })).toBeNull();
  });
});

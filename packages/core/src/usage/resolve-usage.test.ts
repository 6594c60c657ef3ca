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

  it("never resolves fewer input tokens than the reported cached ones", () => {
    // Input tokens include the cached ones (OpenAI's prompt_tokens / cached_tokens); a count of
    // the text ("hi" is 1 o200k_base token) or no count at all stays below 500 cached.
    expect(
      resolveUsage({ model: "gpt-4o", input: "hi", usage: { cachedInputTokens: 500 } }),
    ).toMatchObject({ inputTokens: 500, cachedInputTokens: 500, source: "tokenizer" });
    expect(
      resolveUsage({ model: "gpt-4o", usage: { cachedInputTokens: 500, outputTokens: 3 } }),
    ).toMatchObject({ inputTokens: 500, cachedInputTokens: 500, source: "provider" });
    expect(
      resolveUsage({
        model: "gpt-4o",
        input: "hi",
        usage: { inputTokens: 40, cachedInputTokens: 0 },
      }),
    ).toMatchObject({ inputTokens: 40 });
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

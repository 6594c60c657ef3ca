import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { approximateTokens, promptTokens } from "./tokens.js";

// Reference counts come from gpt-tokenizer's o200k_base encoding (the tokenizer of GPT-4o,
// ported from OpenAI's tiktoken); the approximation only has to be close, not exact.
const SAMPLES = [
  "The quick brown fox jumps over the lazy dog.",
  "Loopkit closes the feedback loop of LLM applications in production: it logs every interaction.",
  "Please summarise the attached support ticket in two sentences, then suggest a next step.",
  "Refunds are processed within 5 business days; contact billing@example.com for help.",
];

describe("approximateTokens", () => {
  it.each(SAMPLES)("is within 35%% of o200k_base for %s", (text) => {
    const reference = encode(text).length;
    const approx = approximateTokens(text);
    expect(Math.abs(approx - reference) / reference).toBeLessThan(0.35);
  });

  it("counts nothing in empty text", () => {
    expect(approximateTokens("")).toBe(0);
  });
});

describe("promptTokens", () => {
  it("adds OpenAI's per-message framing (3 per message, 3 to prime the reply)", () => {
    // From OpenAI's cookbook "How to count tokens with tiktoken": tokens_per_message = 3,
    // and every reply is primed with <|start|>assistant<|message|> (3 tokens).
    const request = {
      model: "m",
      messages: [
        { role: "system", content: "" },
        { role: "user", content: "" },
      ],
    };
    expect(promptTokens(request)).toBe(3 + 3 + 3);
  });
});

import { describe, expect, it } from "vitest";
import { countTokens } from "./count-tokens.js";
import { resolveUsage } from "./resolve-usage.js";

const cl100k = (input: string) => countTokens({ model: "gpt-4", input }).inputTokens;
const o200k = (input: string) => countTokens({ model: "gpt-4o", input }).inputTokens;

describe("token counts published by tiktoken (openai/tiktoken, tests/test_encoding.py)", () => {
  it.each([
    // test_simple / test_basic_encode: "hello world" → [15339, 1917]
    ["hello world", 2],
    // test_simple_regex
    ["rer", 1],
    ["'rer", 2],
    ["today\n ", 3],
    ["today\n \n", 2],
    ["today\n  \n", 2],
    // test_encode_surrogate_pairs: "👍" → [9468, 239, 235]
    ["👍", 3],
  ])("cl100k_base counts %j as %i tokens", (text, expected) => {
    expect(cl100k(text)).toBe(expected);
  });

  it("counts a lone surrogate as U+FFFD, as tiktoken does (test_encode_surrogate_pairs)", () => {
    expect(cl100k("\ud83d")).toBe(cl100k("\ufffd"));
  });

  // test_basic_encode: " \x850" → [220, 126, 227, 15], 4 tokens. gpt-tokenizer 4.0.0 gives 3
  // ([2188, 227, 15]): its pre-tokenizer runs the cl100k pattern as a JavaScript RegExp, whose
  // `\s` leaves out U+0085 (NEXT LINE), which tiktoken's regex engine counts as white space. Text
  // with U+0085 is rare; the fix belongs in gpt-tokenizer (or a `\p{White_Space}` pattern there).
  it.todo('counts " \\x850" as 4 cl100k_base tokens (gpt-tokenizer: 3; U+0085 is not JS `\\s`)');
});

describe("text that spells a special token", () => {
  // tiktoken's encode(text, disallowed_special=()) encodes such text as ordinary text (its
  // test_special_token and test_hyp_special_ordinary): no special token id, no error. The
  // pre-tokenizer patterns of cl100k_base and o200k_base (tiktoken_ext/openai_public.py) split
  // "<|endoftext|>" into "<|", "endoftext" and "|>", so as text it counts as those three pieces.
  it.each([
    ["gpt-4", cl100k],
    ["gpt-4o", o200k],
  ] as const)("is counted as plain text for %s, not rejected", (model, count) => {
    const pieces = count("<|") + count("endoftext") + count("|>");
    expect(countTokens({ model, input: "<|endoftext|>" }).inputTokens).toBe(pieces);
    expect(countTokens({ model, output: "<|endoftext|>" }).outputTokens).toBe(pieces);
    for (const special of ["<|im_start|>", "<|endofprompt|>", "<|fim_prefix|>"]) {
      expect(() => countTokens({ model, input: `say ${special} please` })).not.toThrow();
    }
  });

  it("leaves an event's missing usage countable (ingestion enriches every log event)", () => {
    const usage = resolveUsage({
      model: "gpt-4o",
      input: [{ role: "user", content: "what does <|endoftext|> mean?" }],
      output: "It marks the end of a document.",
    });
    expect(usage).toMatchObject({ source: "tokenizer", estimated: false });
    expect(usage!.inputTokens).toBeGreaterThan(0);
  });
});

describe("chat framing (OpenAI cookbook, How to count tokens with tiktoken, section 6)", () => {
  // An earlier revision of the notebook gave gpt-3.5-turbo-0301 its own framing
  // (tokens_per_message = 4, tokens_per_name = -1) and checked it against the API: 127 prompt
  // tokens for the example chat, where the 3/1 framing gives 129. The current notebook dropped
  // that model (retired by OpenAI in 2024); Loopkit counts it with the 3/1 framing of every later
  // chat model.
  it.todo("counts the cookbook chat for gpt-3.5-turbo-0301 as 127 (its 4/-1 framing)");
});

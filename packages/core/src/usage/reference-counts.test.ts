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

describe("model name → encoding, as tiktoken maps it (tiktoken/model.py)", () => {
  // "お誕生日おめでとう" is 9 tokens in cl100k_base and 8 in o200k_base (OpenAI cookbook, "How to
  // count tokens with tiktoken", section 5), so the count tells which encoding was used.
  const probe = "お誕生日おめでとう";
  it.each([
    // MODEL_TO_ENCODING
    ["o1", 8],
    ["o3", 8],
    ["o4-mini", 8],
    ["gpt-5", 8],
    ["gpt-4.1", 8],
    ["gpt-4o", 8],
    ["gpt-4o-mini", 8],
    ["gpt-4", 9],
    ["gpt-3.5-turbo", 9],
    ["gpt-3.5", 9],
    ["gpt-35-turbo", 9], // Azure deployment name
    ["text-embedding-3-small", 9],
    ["text-embedding-ada-002", 9],
    // MODEL_PREFIX_TO_ENCODING: dated snapshots and variants
    ["o1-2024-12-17", 8],
    ["o3-2025-04-16", 8],
    ["o4-mini-2025-04-16", 8],
    ["gpt-5-2025-08-07", 8],
    ["gpt-5-mini", 8],
    ["gpt-4.5-preview", 8],
    ["gpt-4.1-2025-04-14", 8],
    ["chatgpt-4o-latest", 8],
    ["gpt-4o-2024-08-06", 8],
    ["gpt-oss-120b", 8], // o200k_harmony: the o200k_base vocabulary
    ["gpt-4-0613", 9],
    ["gpt-4-32k-0314", 9],
    ["gpt-4-turbo-2024-04-09", 9],
    ["gpt-3.5-turbo-0301", 9],
    ["gpt-3.5-turbo-16k", 9],
    ["gpt-35-turbo-16k", 9],
    // "ft:gpt-4o" and "ft:gpt-4" prefixes
    ["ft:gpt-4o-2024-08-06:acme::abc", 8],
    ["ft:gpt-4-0613:acme::abc", 9],
  ])("%s uses its own encoding (%i tokens)", (model, expected) => {
    expect(countTokens({ model, input: probe })).toEqual({
      inputTokens: expected,
      outputTokens: 0,
      estimated: false,
    });
  });
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

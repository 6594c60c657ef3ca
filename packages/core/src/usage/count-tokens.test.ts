import * as o200k from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../schemas/events.js";
import { countTokens } from "./count-tokens.js";

/**
 * Expected counts come from OpenAI's cookbook notebook "How to count tokens with tiktoken"
 * (openai/openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb): section 4's string
 * comparisons, and section 6's example chat, whose counts the notebook checks against the
 * `prompt_tokens` that the OpenAI API reported (129 for gpt-3.5-turbo and gpt-4, 124 for gpt-4o
 * and gpt-4o-mini).
 */
const cookbookChat: ChatMessage[] = [
  {
    role: "system",
    content:
      "You are a helpful, pattern-following assistant that translates corporate jargon into plain English.",
  },
  {
    role: "system",
    name: "example_user",
    content: "New synergies will help drive top-line growth.",
  },
  {
    role: "system",
    name: "example_assistant",
    content: "Things working well together will increase revenue.",
  },
  {
    role: "system",
    name: "example_user",
    content:
      "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  },
  {
    role: "system",
    name: "example_assistant",
    content: "Let's talk later when we're less busy about how to do better.",
  },
  {
    role: "user",
    content:
      "This late pivot means we don't have time to boil the ocean for the client deliverable.",
  },
];

describe("countTokens", () => {
  it.each([
    ["gpt-3.5-turbo", 129],
    ["gpt-4-0613", 129],
    ["gpt-4", 129],
    ["gpt-4o", 124],
    ["gpt-4o-mini", 124],
  ])("counts the cookbook chat for %s as the OpenAI API did (%i)", (model, expected) => {
    expect(countTokens({ model, input: cookbookChat })).toEqual({
      inputTokens: expected,
      outputTokens: 0,
      estimated: false,
    });
  });

  it.each([
    ["tiktoken is great!", 6, 6],
    ["antidisestablishmentarianism", 6, 6],
    ["2 + 2 = 4", 7, 7],
    ["お誕生日おめでとう", 9, 8],
  ])("counts %j as the cookbook does (cl100k_base %i, o200k_base %i)", (text, cl100k, o200k) => {
    expect(countTokens({ model: "gpt-4", input: text }).inputTokens).toBe(cl100k);
    expect(countTokens({ model: "gpt-4o", input: text }).inputTokens).toBe(o200k);
  });

  it("counts output text and the contents of output messages", () => {
    expect(countTokens({ model: "gpt-4o", output: "tiktoken is great!" })).toEqual({
      inputTokens: 0,
      outputTokens: 6,
      estimated: false,
    });
    expect(
      countTokens({ model: "gpt-4o", output: [{ role: "assistant", content: "2 + 2 = 4" }] })
        .outputTokens,
    ).toBe(7);
  });

  it("recognizes provider-prefixed and fine-tuned OpenAI model names", () => {
    expect(countTokens({ model: "openai/gpt-4o", input: cookbookChat }).inputTokens).toBe(124);
    expect(countTokens({ model: "ft:gpt-4o-mini:acme::abc123", input: "2 + 2 = 4" })).toEqual({
      inputTokens: 7,
      outputTokens: 0,
      estimated: false,
    });
  });

  it("marks counts for other vendors' models as estimates", () => {
    const count = countTokens({ model: "claude-sonnet-4-5", input: "tiktoken is great!" });
    expect(count).toEqual({ inputTokens: 6, outputTokens: 0, estimated: true });
  });

  it("counts nothing for missing or null content", () => {
    expect(countTokens({ model: "gpt-4o" })).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      estimated: false,
    });
    // An empty chat is just the reply priming: 3 tokens.
    expect(countTokens({ model: "gpt-4o", input: [] }).inputTokens).toBe(3);
  });

  describe("long runs without a break", () => {
    // BPE as gpt-tokenizer (and tiktoken: openai/tiktoken#195) runs it is quadratic in the length
    // of one pre-tokenized piece: counted whole, 16 Ki "x" took ~0.15 s on o200k_base, 256 Ki (the
    // LongText limit) ~40 s and 128 Ki emoji ~160 s, on the server's event loop (found by the
    // ingest.batch property test). Runs of 256+ are counted in pieces of 256 code points instead.
    it("counts a run of the longest text an event may carry, in pieces, as an estimate", () => {
      const run = "x".repeat(256 * 1024);
      const counted = countTokens({ model: "gpt-4o", output: run });
      expect(counted.estimated).toBe(true);
      // Each 256-"x" piece is the same handful of tokens; 1,024 pieces.
      const perPiece = o200k.countTokens("x".repeat(256));
      expect(counted.outputTokens).toBe(1024 * perPiece);
    });

    it("counts emoji and whitespace runs in pieces too", () => {
      const emoji = countTokens({ model: "gpt-4o", output: "😀".repeat(128 * 1024) });
      expect(emoji.estimated).toBe(true);
      expect(emoji.outputTokens).toBeGreaterThan(0);
      expect(countTokens({ model: "gpt-4o", output: `a${" ".repeat(1000)}b` }).estimated).toBe(
        true,
      );
    });

    it.each([
      ["letters", "abcdefghij".repeat(205).slice(0, 2048)],
      ["words without spaces", "thequickbrownfoxjumpsoverthelazydog".repeat(60)],
      ["CJK", "我们今天去公园散步然后吃饭".repeat(160)],
      ["emoji", "😀🎉👍".repeat(700)],
    ])("stays within two tokens per piece of the exact count: %s", (_, run) => {
      // Runs of a few thousand code points are still quick to count whole; the reference is the
      // tokenizer itself on the whole text.
      const text = `see ${run} here`;
      const counted = countTokens({ model: "gpt-4o", output: text });
      const pieces = Math.ceil([...run].length / 256);
      expect(counted.estimated).toBe(true);
      expect(Math.abs(counted.outputTokens - o200k.countTokens(text))).toBeLessThanOrEqual(
        2 * pieces,
      );
    });

    it("leaves prose exact, however long", () => {
      const prose = "The quick brown fox jumps over the lazy dog. ".repeat(2000);
      const counted = countTokens({ model: "gpt-4o", output: prose });
      expect(counted).toEqual({
        inputTokens: 0,
        outputTokens: o200k.countTokens(prose),
        estimated: false,
      });
    });
  });
});

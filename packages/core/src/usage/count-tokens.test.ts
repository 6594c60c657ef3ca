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

  // Left open, a design question: BPE as gpt-tokenizer runs it is quadratic in the length of
  // one pre-tokenized piece (tiktoken is too: openai/tiktoken#195). A text that is one run
  // without spaces is one piece: on o200k_base 16 Ki "x" take ~0.15 s, 64 Ki ~2 s, 256 Ki (the
  // LongText limit) ~40 s and 128 Ki emoji ~160 s, all on the event loop. So one valid log event
  // with such an input, a model and no reported usage stalls the server (found by the
  // ingest.batch property test, packages/server/test/ingest-property.test.ts). Bounding it
  // means choosing between exact counts and time: cut long pieces and mark the count estimated,
  // refuse such text, or count off the request path.
  it.todo("counts a 256 Ki-character text without spaces in well under a second");
});

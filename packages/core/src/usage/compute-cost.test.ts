import { calcPrice } from "@pydantic/genai-prices";
import { describe, expect, it } from "vitest";
import { LoopkitError } from "../errors.js";
import { computeCost } from "./compute-cost.js";

/**
 * Expected values come from @pydantic/genai-prices itself: its `calcPrice` total (a float in
 * USD) times 10^6, rounded, must equal our integer micro-dollars, for every model and usage
 * below. One case is also worked by hand from the package's bundled gpt-4o-mini prices.
 */
const models: [string, string | undefined][] = [
  ["gpt-4o", undefined],
  ["gpt-4o-mini", undefined],
  ["gpt-4.1", undefined],
  ["gpt-4.1-nano", undefined],
  ["o3-mini", undefined],
  ["gpt-3.5-turbo", undefined],
  ["claude-sonnet-4-5", "anthropic"],
  ["claude-3-5-haiku-latest", "anthropic"],
  ["claude-opus-4-1", "anthropic"],
  ["gemini-2.5-flash", "google"],
  ["gemini-2.5-pro", "google"],
  ["mistral-large-latest", "mistral"],
];
const usages = [
  { inputTokens: 1, outputTokens: 0 },
  { inputTokens: 1000, outputTokens: 500 },
  { inputTokens: 1234, outputTokens: 567, cachedInputTokens: 1000 },
  { inputTokens: 150_000, outputTokens: 4096, cachedInputTokens: 20_000 },
  { inputTokens: 250_000, outputTokens: 8000 }, // above 200k: long-context tiers apply
  { inputTokens: 0, outputTokens: 0 },
];

describe("computeCost", () => {
  it("works the gpt-4o-mini example by hand from the bundled prices", () => {
    // $0.15 / MTok input, $0.075 / MTok cached input, $0.60 / MTok output:
    // 800 × 0.15 + 200 × 0.075 + 500 × 0.6 = 120 + 15 + 300 = 435 micro-dollars.
    const cost = computeCost({
      model: "gpt-4o-mini",
      usage: { inputTokens: 1000, cachedInputTokens: 200, outputTokens: 500 },
    });
    expect(cost).toEqual({ costMicros: 435, source: "genai-prices" });
  });

  for (const [model, provider] of models) {
    it(`matches genai-prices' own total for ${model}`, () => {
      for (const usage of usages) {
        const reference = calcPrice(
          {
            input_tokens: usage.inputTokens,
            output_tokens: usage.outputTokens,
            cache_read_tokens: usage.cachedInputTokens ?? 0,
          },
          model,
          { providerId: provider },
        );
        expect(reference, `${model} is in the bundled price data`).not.toBeNull();
        const cost = computeCost({ model, provider, usage });
        expect(cost?.costMicros, `${model} ${JSON.stringify(usage)}`).toBe(
          Math.round(reference!.total_price * 1_000_000),
        );
      }
    });
  }

  it("adds up without drift: a million tiny calls cost exactly a million times one", () => {
    const one = computeCost({
      model: "gpt-4o-mini",
      usage: { inputTokens: 10, outputTokens: 10 },
    })!;
    const many = computeCost({
      model: "gpt-4o-mini",
      usage: { inputTokens: 10_000_000, outputTokens: 10_000_000 },
    })!;
    // 10 × 0.15 + 10 × 0.6 = 7.5 micro-dollars: one call rounds to 8, a million calls are 7 500 000.
    expect(one.costMicros).toBe(8);
    expect(many.costMicros).toBe(7_500_000);
    expect(Number.isInteger(many.costMicros)).toBe(true);
  });

  it("uses a project's override first, with cached input at the input price by default", () => {
    const overrides = {
      "gpt-4o": { inputPerMTok: 1, outputPerMTok: 2 },
      "my-llama": { inputPerMTok: 0.2, outputPerMTok: 0.4, cachedInputPerMTok: 0.1 },
    };
    expect(
      computeCost(
        {
          model: "gpt-4o",
          usage: { inputTokens: 1000, cachedInputTokens: 500, outputTokens: 1000 },
        },
        overrides,
      ),
    ).toEqual({ costMicros: 3000, source: "override" });
    // 500 × 0.2 + 500 × 0.1 + 1000 × 0.4 = 100 + 50 + 400
    expect(
      computeCost(
        {
          model: "my-llama",
          usage: { inputTokens: 1000, cachedInputTokens: 500, outputTokens: 1000 },
        },
        overrides,
      ),
    ).toEqual({ costMicros: 550, source: "override" });
  });

  it("returns null for a model without a known price, every time it is asked", () => {
    expect(computeCost({ model: "my-private-model", usage: { inputTokens: 10 } })).toBeNull();
    expect(computeCost({ model: "my-private-model", usage: { inputTokens: 10 } })).toBeNull();
  });

  it("prices a model again for each call when its prices depend on the time of day", () => {
    // DeepSeek's off-peak discount, as bundled: deepseek-chat costs $0.27/MTok input and
    // $1.10/MTok output from 00:30 to 16:30 UTC, $0.135 and $0.55 otherwise
    // (https://api-docs.deepseek.com/quick_start/pricing, genai-prices' deepseek.yml).
    const at = (iso: string) =>
      computeCost({
        model: "deepseek-chat",
        provider: "deepseek",
        usage: { inputTokens: 1000, outputTokens: 1000 },
        timestamp: new Date(iso),
      })?.costMicros;
    for (let round = 0; round < 2; round++) {
      expect(at("2025-06-01T12:00:00Z")).toBe(270 + 1100);
      expect(at("2025-06-01T20:00:00Z")).toBe(135 + 550);
    }
  });

  it("gives the same cost for a model whatever was priced before, past the remembered models", () => {
    const first = computeCost({ model: "gpt-4o", usage: { inputTokens: 1000, outputTokens: 100 } });
    // More distinct unknown model names than the matches kept, so gpt-4o's is forgotten.
    for (let i = 0; i < 1500; i++) {
      expect(computeCost({ model: `unknown-model-${i}`, usage: { inputTokens: 1 } })).toBeNull();
    }
    expect(
      computeCost({ model: "gpt-4o", usage: { inputTokens: 1000, outputTokens: 100 } }),
    ).toEqual(first);
    // $2.50/MTok input, $10/MTok output (OpenAI's gpt-4o pricing, bundled): 2 500 + 1 000.
    expect(first).toEqual({ costMicros: 3500, source: "genai-prices" });
  });

  it("rejects impossible usage and prices with stable codes", () => {
    const bad: [() => unknown, string, RegExp][] = [
      [
        () => computeCost({ model: "gpt-4o", usage: { inputTokens: -1 } }),
        "INVALID_INPUT",
        /inputTokens is -1/,
      ],
      [
        () => computeCost({ model: "gpt-4o", usage: { outputTokens: 1.5 } }),
        "INVALID_INPUT",
        /whole number/,
      ],
      [
        () => computeCost({ model: "gpt-4o", usage: { inputTokens: 10, cachedInputTokens: 20 } }),
        "INVALID_INPUT",
        /exceeds/,
      ],
      [
        () =>
          computeCost(
            { model: "x", usage: { inputTokens: 1 } },
            { x: { inputPerMTok: -1, outputPerMTok: 1 } },
          ),
        "INVALID_CONFIG",
        /inputPerMTok is -1/,
      ],
    ];
    for (const [fn, code, message] of bad) {
      expect(fn).toThrow(message);
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(LoopkitError);
        expect((error as LoopkitError).code).toBe(code);
      }
    }
  });
});

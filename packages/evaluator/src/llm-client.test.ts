import { describe, expect, it } from "vitest";
import { costOf, DEFAULT_PRICING } from "./llm-client.js";

// Prices per million tokens from https://openai.com/api/pricing/ : gpt-4o-mini $0.15 in,
// $0.60 out; gpt-4o $2.50 in, $10.00 out.
const million = { inputTokens: 1_000_000, outputTokens: 1_000_000 };

describe("costOf", () => {
  it("uses configured prices first", () => {
    expect(
      costOf(
        { inputTokens: 300, outputTokens: 60 },
        { inputUsdPerMillion: 1, outputUsdPerMillion: 2 },
      ),
    ).toBeCloseTo(0.00042, 12);
  });

  it("prices known models from core's price table", () => {
    expect(costOf(million, undefined, "gpt-4o-mini")).toBeCloseTo(0.75, 9);
    expect(costOf(million, undefined, "gpt-4o")).toBeCloseTo(12.5, 9);
  });

  it("never treats an unknown model as free", () => {
    expect(costOf(million, undefined, "my-local-model")).toBeCloseTo(
      DEFAULT_PRICING.inputUsdPerMillion + DEFAULT_PRICING.outputUsdPerMillion,
      12,
    );
  });
});

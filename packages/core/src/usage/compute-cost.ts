import {
  calcPrice,
  type ModelInfo,
  type ModelPrice,
  type TieredPrices,
} from "@pydantic/genai-prices";
import { LoopkitError } from "../errors.js";

/** Token usage to price; `inputTokens` includes `cachedInputTokens`. */
export interface CostUsage {
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
  readonly cachedInputTokens?: number | undefined;
}

/** A project's own prices for a model, in US dollars per million tokens. */
export interface PriceOverride {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  /** Defaults to `inputPerMTok` (no cache discount). */
  readonly cachedInputPerMTok?: number | undefined;
}

/** Per-project price overrides, by model name (as logged). */
export type PriceOverrides = Readonly<Record<string, PriceOverride>>;

/** What {@link computeCost} prices. */
export interface CostRequest {
  readonly model: string;
  /** The provider id (`openai`, `anthropic`, `google`…), to disambiguate a model name. */
  readonly provider?: string | undefined;
  readonly usage: CostUsage;
  /** When the call happened, for prices that changed over time (default: now). */
  readonly timestamp?: Date | undefined;
}

/** A cost in integer micro-dollars (1 USD = 1 000 000), and where the prices came from. */
export interface Cost {
  readonly costMicros: number;
  readonly source: "override" | "genai-prices";
}

interface Rates {
  input: number;
  output: number;
  cachedInput: number;
}

function checkCount(value: number | undefined, field: string): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 0) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `computeCost: usage.${field} is ${value}; it must be a whole number of tokens, 0 or more`,
    );
  }
  return value;
}

/** A price in USD per million tokens, as integer picodollars per token (exact for ≤ 6 decimals). */
function picoPerToken(perMTok: number): bigint {
  return BigInt(Math.round(perMTok * 1_000_000));
}

/** genai-prices' tier rule: the rate of the last tier whose start the input tokens exceed. */
function rateOf(price: number | TieredPrices | undefined, inputTokens: number): number | undefined {
  if (price === undefined || typeof price === "number") return price;
  let rate = price.base;
  for (const tier of price.tiers) if (inputTokens > tier.start) rate = tier.price;
  return rate;
}

function ratesFromModelPrice(price: ModelPrice, inputTokens: number): Rates | null {
  const input = rateOf(price.input_mtok, inputTokens);
  const output = rateOf(price.output_mtok, inputTokens);
  if (input === undefined && output === undefined) return null;
  return {
    input: input ?? 0,
    output: output ?? 0,
    cachedInput: rateOf(price.cache_read_mtok, inputTokens) ?? input ?? 0,
  };
}

/** Models whose bundled price entry is remembered: enough for any real deployment's models. */
const MATCHED_MODELS_LIMIT = 1024;
/** The bundled price entry of each (provider, model) priced so far; null when there is none. */
const matchedModels = new Map<string, ModelInfo | null>();

/**
 * The bundled prices of a model for a call at `timestamp`. Finding the model in genai-prices'
 * data (provider and model-name rules) and its bookkeeping of usage units cost several
 * microseconds per call, so the matched entry is remembered per (provider, model): the data is
 * bundled and never updated, so a match never changes. A model whose prices depend on the date or
 * time of day is priced by genai-prices on every call.
 */
function bundledPrice(request: CostRequest, usage: Record<string, number>): ModelPrice | null {
  const key = `${request.provider ?? ""}\u0000${request.model}`;
  const matched = matchedModels.get(key);
  if (matched === null) return null;
  if (matched !== undefined && !Array.isArray(matched.prices)) return matched.prices;
  const found = calcPrice(usage, request.model, {
    providerId: request.provider,
    timestamp: request.timestamp,
  });
  if (matched === undefined) {
    // Unbounded model names from clients must not grow memory without bound: forget the oldest.
    if (matchedModels.size >= MATCHED_MODELS_LIMIT) {
      matchedModels.delete(matchedModels.keys().next().value!);
    }
    matchedModels.set(key, found?.model ?? null);
  }
  return found?.model_price ?? null;
}

/**
 * Prices a model call in integer micro-dollars: input (uncached), cached input and output tokens
 * times their prices per million tokens. Prices come from the project's `overrides` for the
 * model, else from `@pydantic/genai-prices`' bundled data (never auto-updated: the same version
 * always gives the same cost). The arithmetic is done in integer picodollars and rounded once,
 * so costs add up without floating-point drift.
 *
 * @param request - Model, optional provider id, usage and timestamp.
 * @param overrides - Per-project prices by model name.
 * @returns The cost and its price source, or `null` when the model's price is unknown.
 * @throws {LoopkitError} `INVALID_INPUT` for negative or fractional token counts, or more cached
 *   than input tokens; `INVALID_CONFIG` for a negative override price.
 */
export function computeCost(request: CostRequest, overrides?: PriceOverrides): Cost | null {
  const inputTokens = checkCount(request.usage.inputTokens, "inputTokens");
  const outputTokens = checkCount(request.usage.outputTokens, "outputTokens");
  const cachedTokens = checkCount(request.usage.cachedInputTokens, "cachedInputTokens");
  if (cachedTokens > inputTokens) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `computeCost: usage.cachedInputTokens (${cachedTokens}) exceeds usage.inputTokens (${inputTokens}); inputTokens must include the cached ones`,
    );
  }
  let rates: Rates | null = null;
  let source: Cost["source"] = "override";
  const override = overrides?.[request.model];
  if (override) {
    const { inputPerMTok, outputPerMTok, cachedInputPerMTok = inputPerMTok } = override;
    for (const [name, value] of Object.entries({
      inputPerMTok,
      outputPerMTok,
      cachedInputPerMTok,
    })) {
      if (!(Number.isFinite(value) && value >= 0)) {
        throw new LoopkitError(
          "INVALID_CONFIG",
          `price override for "${request.model}": ${name} is ${value}; give US dollars per million tokens, 0 or more`,
        );
      }
    }
    rates = { input: inputPerMTok, output: outputPerMTok, cachedInput: cachedInputPerMTok };
  } else {
    const price = bundledPrice(request, {
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      cache_read_tokens: cachedTokens,
    });
    if (price === null) return null;
    rates = ratesFromModelPrice(price, inputTokens);
    source = "genai-prices";
  }
  if (rates === null) return null;
  const pico =
    BigInt(inputTokens - cachedTokens) * picoPerToken(rates.input) +
    BigInt(cachedTokens) * picoPerToken(rates.cachedInput) +
    BigInt(outputTokens) * picoPerToken(rates.output);
  // picodollars → micro-dollars, rounding half up.
  const costMicros = Number((pico + 500_000n) / 1_000_000n);
  return { costMicros, source };
}

import { computeCost } from "@loopkit/core/usage";
import OpenAI from "openai";
import { requireEvaluatorInput } from "./errors.js";

/** Dollar prices of one model, per million tokens. */
export interface ModelPricing {
  inputUsdPerMillion: number;
  outputUsdPerMillion: number;
}

/**
 * Price used when none is configured and the model is not in core's price table: gpt-4o-mini's
 * list price ($0.15 in, $0.60 out per million tokens, https://openai.com/api/pricing/). Budgets
 * need some price, so an unknown model is never free; configure the real one.
 */
export const DEFAULT_PRICING: ModelPricing = { inputUsdPerMillion: 0.15, outputUsdPerMillion: 0.6 };

/** How to reach an OpenAI-compatible endpoint and what a call costs. */
export interface LlmConfig {
  /** Model id, e.g. `gpt-4o-mini`. */
  model: string;
  /** Endpoint, e.g. `http://localhost:11434/v1` for Ollama; the openai SDK's default otherwise. */
  baseURL?: string;
  /** API key; defaults to the `OPENAI_API_KEY` environment variable. */
  apiKey?: string;
  /**
   * Retries on 429, 5xx, timeouts and connection errors, done by the openai SDK with exponential
   * backoff that honours `retry-after`/`retry-after-ms` (default 4).
   */
  maxRetries?: number;
  /** Per-request timeout in milliseconds (default 60 000). */
  timeoutMs?: number;
  /**
   * Prices per million tokens. Default: the model's price from `@loopkit/core/usage`
   * (genai-prices data), else {@link DEFAULT_PRICING}.
   */
  pricing?: ModelPricing;
  /** An existing client to use instead of building one from the fields above. */
  client?: OpenAI;
}

/** Token counts of one or more LLM calls. */
export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
}

/** Builds the openai client for `config` (or returns `config.client`). */
export function createLlmClient(config: LlmConfig): OpenAI {
  if (config.client) return config.client;
  const apiKey = config.apiKey ?? process.env.OPENAI_API_KEY;
  requireEvaluatorInput(
    apiKey,
    "llm.apiKey",
    "no API key given",
    "Pass apiKey, or set OPENAI_API_KEY (any non-empty string for local servers such as Ollama)",
  );
  return new OpenAI({
    apiKey,
    baseURL: config.baseURL,
    maxRetries: config.maxRetries ?? 4,
    timeout: config.timeoutMs ?? 60_000,
    fetch: fetchWholeBody,
  });
}

/**
 * `fetch` that resolves only once the whole body has arrived. The openai SDK's timeout and
 * retries cover the fetch call alone (up to the response headers); reading the body inside it
 * puts a body that stalls under the timeout, and a connection reset mid-body among the
 * connection errors the SDK retries. Streams (`text/event-stream`) are passed through.
 */
async function fetchWholeBody(url: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) return response;
  const body = response.body === null ? null : await response.arrayBuffer();
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * Cost in dollars of `tokens`: at `pricing` when given, else at `model`'s price from core's
 * price table, else at {@link DEFAULT_PRICING}.
 */
export function costOf(tokens: TokenCounts, pricing?: ModelPricing, model?: string): number {
  if (!pricing && model) {
    const known = computeCost({ model, usage: tokens });
    if (known) return known.costMicros / 1_000_000;
  }
  pricing ??= DEFAULT_PRICING;
  return (
    (tokens.inputTokens * pricing.inputUsdPerMillion +
      tokens.outputTokens * pricing.outputUsdPerMillion) /
    1_000_000
  );
}

/** Token counts from an OpenAI `usage` object (zeros when absent). */
export function tokensOf(usage: OpenAI.CompletionUsage | null | undefined): TokenCounts {
  return { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 };
}

/** Adds token counts. */
export function addTokens(a: TokenCounts, b: TokenCounts): TokenCounts {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
  };
}

import type { Content, TokenUsage } from "../schemas/events.js";
import { countTokens } from "./count-tokens.js";

/** The fields of a log event that usage is resolved from. */
export interface UsageSource {
  readonly model?: string | undefined;
  readonly input?: Content | null | undefined;
  readonly output?: Content | null | undefined;
  readonly usage?: TokenUsage | undefined;
}

/** Token usage with where it came from. */
export interface ResolvedUsage {
  /** All input tokens, cached ones included (OpenAI's `prompt_tokens` convention). */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** The part of `inputTokens` read from the provider's prompt cache. */
  readonly cachedInputTokens: number;
  /** `provider` when every count was reported, `tokenizer` when all were counted, else `mixed`. */
  readonly source: "provider" | "tokenizer" | "mixed";
  /** True when a counted number is an estimate (the model's tokenizer is not known). */
  readonly estimated: boolean;
}

/**
 * The token usage of a log event: what the provider reported wins, field by field; missing input
 * or output counts are counted from the event's text with {@link countTokens}. Input tokens
 * include the cached ones, so an input count that was not reported is never taken below the
 * reported `cachedInputTokens` (a count of the text, or nothing, can fall short of what the
 * provider's cache served; pricing needs input ≥ cached). Returns `null` when neither a reported
 * usage nor a model to count with is known.
 *
 * @param event - A log event (or its `model`, `input`, `output` and `usage`).
 * @returns The usage, or `null`.
 */
export function resolveUsage(event: UsageSource): ResolvedUsage | null {
  const reported = event.usage ?? {};
  const cached = reported.cachedInputTokens ?? 0;
  const needInput = reported.inputTokens === undefined && event.input != null;
  const needOutput = reported.outputTokens === undefined && event.output != null;
  if (!needInput && !needOutput) {
    if (reported.inputTokens === undefined && reported.outputTokens === undefined) return null;
    return {
      inputTokens: reported.inputTokens ?? cached,
      outputTokens: reported.outputTokens ?? 0,
      cachedInputTokens: cached,
      source: "provider",
      estimated: false,
    };
  }
  if (event.model === undefined) return null;
  const counted = countTokens({
    model: event.model,
    input: needInput ? event.input : undefined,
    output: needOutput ? event.output : undefined,
  });
  const anyReported = reported.inputTokens !== undefined || reported.outputTokens !== undefined;
  return {
    inputTokens: reported.inputTokens ?? Math.max(counted.inputTokens, cached),
    outputTokens: reported.outputTokens ?? counted.outputTokens,
    cachedInputTokens: cached,
    source: anyReported ? "mixed" : "tokenizer",
    estimated: counted.estimated,
  };
}

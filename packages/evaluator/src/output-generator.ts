import type { Content } from "@loopkit/core";
import type OpenAI from "openai";
import { contentText } from "./content-text.js";
import {
  costOf,
  createLlmClient,
  type LlmConfig,
  type TokenCounts,
  tokensOf,
} from "./llm-client.js";

/**
 * A candidate prompt version whose outputs are regenerated for an offline evaluation. A
 * `PromptVersionConfig` from @loopkit/core fits as is (`params.temperature` is honoured).
 */
export interface CandidatePrompt {
  version: string;
  /**
   * The prompt. With a `{{input}}` placeholder it becomes one user message with the input
   * filled in; without one it is the system message and the input follows as the user turn.
   */
  template?: string;
  /** Model to run (default: the generator's `llm.model`). */
  model?: string;
  /** Sampling temperature (default `params.temperature`, else 0 for reproducible outputs). */
  temperature?: number;
  params?: Record<string, unknown>;
}

/** A regenerated output, with what it cost. */
export interface GeneratedOutput {
  output: string;
  tokens: TokenCounts;
  costUsd: number;
}

/** Runs a candidate prompt version on dataset inputs. */
export interface OutputGenerator {
  version: string;
  /** Everything that changes the outputs; part of the generation cache key. */
  describe(): Record<string, unknown>;
  generate(input: Content, options?: { signal?: AbortSignal }): Promise<GeneratedOutput>;
}

/** Builds the chat messages of `prompt` applied to `input`. */
export function candidateMessages(
  prompt: CandidatePrompt,
  input: Content,
): OpenAI.ChatCompletionMessageParam[] {
  const template = prompt.template;
  if (template?.includes("{{input}}")) {
    return [{ role: "user", content: template.replaceAll("{{input}}", contentText(input)) }];
  }
  const turns: OpenAI.ChatCompletionMessageParam[] =
    typeof input === "string"
      ? [{ role: "user", content: input }]
      : input
          .filter((m) => m.role === "user" || m.role === "assistant")
          .map((m) => ({ role: m.role as "user" | "assistant", content: m.content ?? "" }));
  return template ? [{ role: "system", content: template }, ...turns] : turns;
}

/** An {@link OutputGenerator} calling the LLM through the openai SDK. */
export function createOutputGenerator(options: {
  llm: LlmConfig;
  prompt: CandidatePrompt;
}): OutputGenerator {
  const { llm, prompt } = options;
  const model = prompt.model ?? llm.model;
  const fromParams = prompt.params?.temperature;
  const temperature = prompt.temperature ?? (typeof fromParams === "number" ? fromParams : 0);
  let client: OpenAI | undefined;
  return {
    version: prompt.version,
    describe: () => ({
      version: prompt.version,
      template: prompt.template ?? null,
      model,
      temperature,
    }),
    async generate(input, callOptions = {}) {
      client ??= createLlmClient(llm);
      const completion = await client.chat.completions.create(
        { model, messages: candidateMessages(prompt, input), temperature },
        { signal: callOptions.signal },
      );
      const tokens = tokensOf(completion.usage);
      return {
        output: completion.choices[0]?.message.content ?? "",
        tokens,
        costUsd: costOf(tokens, llm.pricing, model),
      };
    },
  };
}

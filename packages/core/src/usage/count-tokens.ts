import * as cl100k from "gpt-tokenizer/encoding/cl100k_base";
import * as o200k from "gpt-tokenizer/encoding/o200k_base";
import { chatModelParams, modelToEncodingMap } from "gpt-tokenizer/mapping";
import type { ChatMessage, Content } from "../schemas/events.js";

/** What {@link countTokens} counts: a model and its input and/or output (text or chat messages). */
export interface TokenCountRequest {
  readonly model: string;
  readonly input?: Content | null | undefined;
  readonly output?: Content | null | undefined;
}

/** Token counts; `estimated` is true when the model's own tokenizer is not known here. */
export interface TokenCount {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly estimated: boolean;
}

interface Encoder {
  countTokens(text: string, options: { disallowedSpecial: Set<string> }): number;
}

/**
 * Text that spells a special token (`<|endoftext|>`, `<|im_start|>`…) is counted as the plain
 * text it is, as tiktoken's `encode(text, disallowed_special=())` does, instead of gpt-tokenizer's
 * default of throwing: a prompt may quote such a string, and counting it must not fail.
 */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

function count(encoder: Encoder, text: string): number {
  return encoder.countTokens(text, PLAIN_TEXT);
}

const ENCODERS: Readonly<Record<string, Encoder>> = {
  o200k_base: o200k,
  o200k_harmony: o200k, // gpt-oss: the same BPE as o200k_base, other special tokens
  cl100k_base: cl100k,
};

/**
 * tiktoken's model-name prefixes (tiktoken/model.py, `MODEL_PREFIX_TO_ENCODING`), for names that
 * gpt-tokenizer does not list: dated snapshots (`gpt-4.1-2025-04-14`, `gpt-3.5-turbo-16k`) and
 * Azure deployment names (`gpt-35-turbo`). A name is matched with a `-` appended, so that the bare
 * family name (`gpt-35-turbo`, `o3`) maps as tiktoken's exact table maps it.
 */
const PREFIX_ENCODINGS: readonly (readonly [prefix: string, encoding: string])[] = [
  ["o1-", "o200k_base"],
  ["o3-", "o200k_base"],
  ["o4-mini-", "o200k_base"],
  ["gpt-5-", "o200k_base"],
  ["gpt-4.5-", "o200k_base"],
  ["gpt-4.1-", "o200k_base"],
  ["chatgpt-4o-", "o200k_base"],
  ["gpt-4o-", "o200k_base"],
  ["gpt-oss-", "o200k_harmony"],
  ["gpt-4-", "cl100k_base"],
  ["gpt-3.5-turbo-", "cl100k_base"],
  ["gpt-35-turbo-", "cl100k_base"],
];

function prefixEncoding(name: string): string | undefined {
  const dashed = `${name}-`;
  return PREFIX_ENCODINGS.find(([prefix]) => dashed.startsWith(prefix))?.[1];
}

/** Strips a provider prefix and a fine-tune suffix: `openai/gpt-4o`, `ft:gpt-4o-mini:org::id`. */
function baseModelName(model: string): string {
  let name = model.trim().toLowerCase();
  if (name.startsWith("ft:")) name = name.slice(3).split(":")[0]!;
  const slash = name.lastIndexOf("/");
  if (slash >= 0) name = name.slice(slash + 1);
  return name;
}

/**
 * The tokenizer for a model: its own when it is an OpenAI model that gpt-tokenizer knows, or whose
 * name has one of tiktoken's prefixes, and that uses o200k_base or cl100k_base (exact); otherwise
 * o200k_base as an estimate (other vendors' models, and legacy GPT-3 models on p50k/r50k).
 */
function encoderFor(model: string): { encoder: Encoder; exact: boolean } {
  const name = baseModelName(model);
  const mapped = (modelToEncodingMap as Record<string, string | undefined>)[name];
  // gpt-tokenizer maps older models explicitly; its newer chat models all use o200k_base.
  // (Not its `models` catalog: that module's CommonJS build does not load in v4.0.0.)
  const encoding =
    mapped ?? (Object.hasOwn(chatModelParams, name) ? "o200k_base" : prefixEncoding(name));
  const encoder = encoding ? ENCODERS[encoding] : undefined;
  if (encoder) return { encoder, exact: true };
  return { encoder: o200k, exact: false };
}

/**
 * Tokens of a chat prompt as OpenAI counts them for its chat models (OpenAI cookbook, "How to
 * count tokens with tiktoken"): 3 per message, the tokens of the role, content and name, 1 more
 * for a name, and 3 for the reply's priming (`<|start|>assistant<|message|>`).
 */
function chatPromptTokens(messages: readonly ChatMessage[], encoder: Encoder): number {
  let tokens = 3;
  for (const message of messages) {
    tokens += 3 + count(encoder, message.role);
    if (message.content) tokens += count(encoder, message.content);
    if (message.name !== undefined) tokens += 1 + count(encoder, message.name);
  }
  return tokens;
}

/** Tokens the model generated: the text, or the contents of the returned messages. */
function completionTokens(output: Content, encoder: Encoder): number {
  if (typeof output === "string") return count(encoder, output);
  let tokens = 0;
  for (const message of output) if (message.content) tokens += count(encoder, message.content);
  return tokens;
}

/**
 * Counts the tokens of a model call with gpt-tokenizer: exact for OpenAI models (o200k_base or
 * cl100k_base, by model name), including the chat message framing when the input is a list of
 * messages; for other models (Claude, Gemini, Llama…) an o200k_base count marked `estimated`.
 * Prefer the usage the provider reports: see {@link resolveUsage}.
 *
 * @param request - The model, and the input and/or output (a string or chat messages).
 * @returns Input and output token counts, and whether they are estimates.
 */
export function countTokens(request: TokenCountRequest): TokenCount {
  const { encoder, exact } = encoderFor(request.model);
  const { input, output } = request;
  const inputTokens =
    input == null
      ? 0
      : typeof input === "string"
        ? count(encoder, input)
        : chatPromptTokens(input, encoder);
  const outputTokens = output == null ? 0 : completionTokens(output, encoder);
  return { inputTokens, outputTokens, estimated: !exact };
}

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

/**
 * Token counts; `estimated` is true when the model's own tokenizer is not known here, or when a
 * long unbroken run of the text was counted in pieces (see {@link countTokens}).
 */
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

/**
 * Runs that the tokenizers' pre-split leaves whole: letters (with their marks), symbols, or
 * whitespace, at least {@link PIECE} code points long. BPE's merging is quadratic in the length
 * of one such piece, in gpt-tokenizer as in tiktoken (openai/tiktoken#195): 16 Ki letters take
 * ~0.15 s on o200k_base, 256 Ki ~40 s, 128 Ki emoji ~160 s, so one event could stall the server.
 */
const LONG_RUN = /[\p{L}\p{M}]{256,}|[^\s\p{L}\p{N}]{256,}|\s{256,}/gu;
/** Code points per piece of a long run; a merge can only be missed where two pieces meet. */
const PIECE = /[\s\S]{1,256}/gu;

/** Counts texts with one encoder; remembers whether a long run had to be counted in pieces. */
class TextCounter {
  approximated = false;

  constructor(private readonly encoder: Encoder) {}

  /** The tokens of `text`: exact, unless it holds a long run (then each run piece by piece). */
  count(text: string): number {
    // `search` starts at 0 and leaves lastIndex alone, which matchAll's copy starts from.
    if (text.search(LONG_RUN) < 0) return this.exact(text);
    this.approximated = true;
    let tokens = 0;
    let from = 0;
    for (const run of text.matchAll(LONG_RUN)) {
      tokens += this.exact(text.slice(from, run.index));
      for (const [piece] of run[0].matchAll(PIECE)) tokens += this.exact(piece);
      from = run.index + run[0].length;
    }
    return tokens + this.exact(text.slice(from));
  }

  private exact(text: string): number {
    return text === "" ? 0 : this.encoder.countTokens(text, PLAIN_TEXT);
  }
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
function chatPromptTokens(messages: readonly ChatMessage[], counter: TextCounter): number {
  let tokens = 3;
  for (const message of messages) {
    tokens += 3 + counter.count(message.role);
    if (message.content) tokens += counter.count(message.content);
    if (message.name !== undefined) tokens += 1 + counter.count(message.name);
  }
  return tokens;
}

/** Tokens the model generated: the text, or the contents of the returned messages. */
function completionTokens(output: Content, counter: TextCounter): number {
  if (typeof output === "string") return counter.count(output);
  let tokens = 0;
  for (const message of output) if (message.content) tokens += counter.count(message.content);
  return tokens;
}

/**
 * Counts the tokens of a model call with gpt-tokenizer: exact for OpenAI models (o200k_base or
 * cl100k_base, by model name), including the chat message framing when the input is a list of
 * messages; for other models (Claude, Gemini, Llama…) an o200k_base count marked `estimated`.
 * A run of 256 or more letters, symbols or spaces without a break (no real prose has one; a
 * pasted blob or an attack does) is counted in pieces of 256 code points, so counting stays
 * linear in the text's length; such a count is marked `estimated` too (where pieces meet, a token
 * can be split: measured 0–1.25 tokens too many per piece on letters, words without spaces, CJK
 * and emoji). Prefer the usage the provider reports: see
 * {@link resolveUsage}.
 *
 * @param request - The model, and the input and/or output (a string or chat messages).
 * @returns Input and output token counts, and whether they are estimates.
 */
export function countTokens(request: TokenCountRequest): TokenCount {
  const { encoder, exact } = encoderFor(request.model);
  const counter = new TextCounter(encoder);
  const { input, output } = request;
  const inputTokens =
    input == null
      ? 0
      : typeof input === "string"
        ? counter.count(input)
        : chatPromptTokens(input, counter);
  const outputTokens = output == null ? 0 : completionTokens(output, counter);
  return { inputTokens, outputTokens, estimated: !exact || counter.approximated };
}

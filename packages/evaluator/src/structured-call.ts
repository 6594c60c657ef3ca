import type OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import { makeParseableResponseFormat } from "openai/lib/parser";
import type { z } from "zod";
import { addTokens, type TokenCounts, tokensOf } from "./llm-client.js";

type Message = OpenAI.ChatCompletionMessageParam;

/** What one validated structured call produced. */
export interface StructuredResult<T> {
  /** The parsed value, or undefined when every attempt was invalid. */
  value: T | undefined;
  /** The last validation problem, when `value` is undefined. */
  error: string | undefined;
  rawOutputs: string[];
  calls: number;
  tokens: TokenCounts;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * The response format for `schema`: the JSON schema `zodResponseFormat` derives from it, with a
 * parser that validates with the same schema and never throws. Build it once per judge: deriving
 * the JSON schema is the costly part.
 */
export function structuredFormat<T>(schema: z.ZodType<T>, name: string) {
  const base = zodResponseFormat(schema, name);
  return makeParseableResponseFormat(
    { type: "json_schema", json_schema: base.json_schema },
    (content): Parsed<T> => validate(schema, content),
  );
}

/**
 * Asks for structured output through `client.chat.completions.parse` with a response format from
 * `zodResponseFormat`, validating with the same zod schema. Invalid output (not JSON, or not
 * matching the schema) is retried once with the validation error appended to the conversation;
 * if that is invalid too, the result carries the error and no value. Transport errors (429, 5xx
 * after the SDK's own retries) are thrown.
 *
 * The parser never throws, so the raw text and token usage of an invalid answer are kept.
 */
export async function callStructured<T>(options: {
  client: OpenAI;
  model: string;
  messages: Message[];
  format: ReturnType<typeof structuredFormat<T>>;
  temperature?: number;
  signal?: AbortSignal;
}): Promise<StructuredResult<T>> {
  const { format } = options;
  const messages = [...options.messages];
  const result: StructuredResult<T> = {
    value: undefined,
    error: undefined,
    rawOutputs: [],
    calls: 0,
    tokens: { inputTokens: 0, outputTokens: 0 },
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    const completion = await options.client.chat.completions.parse(
      {
        model: options.model,
        messages,
        response_format: format,
        temperature: options.temperature ?? 0,
      },
      { signal: options.signal },
    );
    const choice = completion.choices[0];
    const raw = choice?.message.content ?? choice?.message.refusal ?? "";
    result.calls += 1;
    result.rawOutputs.push(raw);
    result.tokens = addTokens(result.tokens, tokensOf(completion.usage));
    const parsed: Parsed<T> = choice?.message.parsed ?? {
      ok: false,
      error: choice?.message.refusal
        ? `the model refused: ${choice.message.refusal}`
        : "the reply had no content",
    };
    if (parsed.ok) {
      result.value = parsed.value;
      result.error = undefined;
      return result;
    }
    result.error = parsed.error;
    messages.push(
      { role: "assistant", content: raw },
      {
        role: "user",
        content: `Your reply was invalid: ${parsed.error}. Reply again with only a JSON object that matches the schema exactly.`,
      },
    );
  }
  return result;
}

function validate<T>(schema: z.ZodType<T>, content: string): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  const checked = schema.safeParse(json);
  if (checked.success) return { ok: true, value: checked.data };
  const issues = checked.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
  return { ok: false, error: `does not match the schema (${issues})` };
}

import type OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { z } from "zod";
import { addTokens, type TokenCounts, tokensOf } from "./llm-client.js";

type Message = OpenAI.ChatCompletionMessageParam;

/**
 * Why a structured call gave no value, the first word of its error: the model declined
 * (`refused`), the reply hit the output token limit (`truncated`) or the content filter
 * (`content_filter`) — the structured outputs guide's cases where the JSON is missing or
 * incomplete — or the reply was not JSON (`invalid_json`) or not of the schema
 * (`schema_mismatch`) after its one retry.
 */
export type StructuredErrorCode =
  | "refused"
  | "truncated"
  | "content_filter"
  | "invalid_json"
  | "schema_mismatch";

/** What one validated structured call produced. */
export interface StructuredResult<T> {
  /** The parsed value, or undefined when every attempt was invalid. */
  value: T | undefined;
  /** The last problem, `<code>: <detail>`, when `value` is undefined. */
  error: string | undefined;
  rawOutputs: string[];
  calls: number;
  tokens: TokenCounts;
}

type Parsed<T> =
  | { ok: true; value: T }
  | { ok: false; code: StructuredErrorCode; error: string; retry: boolean };

/**
 * Schema keywords OpenAI's structured outputs do not take for fine-tuned models (structured
 * outputs guide, "Supported schemas": for fine-tuned models strings have no `minLength`,
 * `maxLength`, `pattern`, `format`; numbers no `minimum`, `maximum`, `multipleOf`; objects no
 * `patternProperties`; arrays no `minItems`, `maxItems`). A strict schema with one is refused
 * with a 400. The reply is still checked against them, by the zod schema.
 */
const FINE_TUNED_UNSUPPORTED = new Set([
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "patternProperties",
  "minItems",
  "maxItems",
]);

/** Schema members whose keys are names (of fields, of definitions), not keywords. */
const NAME_MAPS = new Set(["properties", "$defs", "definitions"]);

/** A copy of a JSON schema without the keywords fine-tuned models do not take. */
function withoutFineTunedUnsupported(node: unknown, keysAreNames = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutFineTunedUnsupported(item));
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => keysAreNames || !FINE_TUNED_UNSUPPORTED.has(key))
      .map(([key, value]) => [
        key,
        withoutFineTunedUnsupported(value, !keysAreNames && NAME_MAPS.has(key)),
      ]),
  );
}

/**
 * The response format for `schema` (the JSON schema `zodResponseFormat` derives from it), the
 * same without the keywords fine-tuned OpenAI models refuse, and a validator with the same schema
 * that never throws. Build it once per judge: deriving the JSON schema is the costly part.
 */
export function structuredFormat<T>(schema: z.ZodType<T>, name: string) {
  const base = zodResponseFormat(schema, name);
  return {
    responseFormat: { type: "json_schema" as const, json_schema: base.json_schema },
    fineTunedResponseFormat: {
      type: "json_schema" as const,
      json_schema: {
        ...base.json_schema,
        schema: withoutFineTunedUnsupported(base.json_schema.schema) as Record<string, unknown>,
      },
    },
    validate: (content: string): Parsed<T> => validate(schema, content),
  };
}

/** Whether `model` names an OpenAI fine-tune (`ft:gpt-4o-mini-2024-07-18:org::id`). */
const isFineTuned = (model: string) => model.startsWith("ft:");

/**
 * Asks for structured output with `client.chat.completions.create` and a response format from
 * `zodResponseFormat`, validating the reply with the same zod schema. Invalid output (not JSON,
 * or not matching the schema) is retried once with the validation error appended to the
 * conversation. A refusal (`message.refusal`) or a reply cut by `finish_reason` `length` or
 * `content_filter` is final: asked again, the model would answer the same. Either way the
 * result carries the error and no value, with the raw text and token usage of every answer.
 * Transport errors (429, 5xx, timeouts after the SDK's own retries) are thrown.
 *
 * `parse` is not used: it throws on `length` and `content_filter`, losing the answer's usage.
 * A fine-tuned model (`ft:…`) gets the schema without the keywords it does not take.
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
    const completion = await options.client.chat.completions.create(
      {
        model: options.model,
        messages,
        response_format: isFineTuned(options.model)
          ? format.fineTunedResponseFormat
          : format.responseFormat,
        temperature: options.temperature ?? 0,
      },
      { signal: options.signal },
    );
    const choice = completion.choices[0];
    const raw = choice?.message.content ?? choice?.message.refusal ?? "";
    result.calls += 1;
    result.rawOutputs.push(raw);
    result.tokens = addTokens(result.tokens, tokensOf(completion.usage));
    const parsed = readChoice(choice, format.validate);
    if (parsed.ok) {
      result.value = parsed.value;
      result.error = undefined;
      return result;
    }
    result.error = `${parsed.code}: ${parsed.error}`;
    if (!parsed.retry) break;
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

/** The value of a choice, or why it has none and whether asking again may help. */
function readChoice<T>(
  choice: OpenAI.ChatCompletion.Choice | undefined,
  validate: (content: string) => Parsed<T>,
): Parsed<T> {
  const final = (code: StructuredErrorCode, error: string): Parsed<T> => ({
    ok: false,
    code,
    error,
    retry: false,
  });
  if (choice?.message.refusal) return final("refused", choice.message.refusal);
  if (choice?.finish_reason === "length") {
    return final("truncated", "the reply reached the output token limit before its JSON ended");
  }
  if (choice?.finish_reason === "content_filter") {
    return final("content_filter", "the content filter stopped the reply");
  }
  return validate(choice?.message.content ?? "");
}

function validate<T>(schema: z.ZodType<T>, content: string): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    return {
      ok: false,
      code: "invalid_json",
      error: `not valid JSON (${(error as Error).message})`,
      retry: true,
    };
  }
  const checked = schema.safeParse(json);
  if (checked.success) return { ok: true, value: checked.data };
  const issues = checked.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
  return {
    ok: false,
    code: "schema_mismatch",
    error: `does not match the schema (${issues})`,
    retry: true,
  };
}

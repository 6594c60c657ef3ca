import type { ChatCompletionRequest } from "./types.js";

const TOKEN_PATTERN = /[A-Za-z]{1,7}|\d{1,3}|[^\sA-Za-z\d]/g;

/**
 * Approximates how many tokens a BPE tokenizer such as `o200k_base` makes of `text`: runs of up
 * to seven letters, up to three digits, and each punctuation mark count as one token. Close
 * enough to real counts (about 4 characters per token in English) for cost arithmetic in tests.
 */
export function approximateTokens(text: string): number {
  return text.match(TOKEN_PATTERN)?.length ?? 0;
}

/** The longest prefix of `text` that {@link approximateTokens} counts as at most `limit` tokens. */
export function truncateToTokens(text: string, limit: number): string {
  let end = 0;
  let count = 0;
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    if (count === limit) break;
    count += 1;
    end = (match.index ?? 0) + match[0].length;
  }
  return text.slice(0, end);
}

/** Text of a message content, whether a string or an array of content parts. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === "object" && "text" in part ? String(part.text ?? "") : "",
      )
      .join("");
  }
  return "";
}

/**
 * Prompt tokens of a chat request, counted like OpenAI's cookbook recipe: each message costs its
 * content plus 3 tokens of framing (plus 1 for a name), and every reply is primed with 3 more.
 */
export function promptTokens(request: ChatCompletionRequest): number {
  let total = 3;
  for (const message of request.messages) {
    total += 3 + approximateTokens(contentText(message.content));
    if (message.name) total += 1;
  }
  if (request.response_format?.type === "json_schema") {
    total += approximateTokens(JSON.stringify(request.response_format.json_schema ?? {}));
  }
  return total;
}

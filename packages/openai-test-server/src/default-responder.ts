import { sha256Hex } from "./hash.js";
import { sampleFromSchema } from "./schema-sample.js";
import { contentText } from "./tokens.js";
import type { ChatCompletionRequest } from "./types.js";

/**
 * The default answer, a pure function of the request: for a structured-output request
 * (`response_format.type === "json_schema"`) a JSON object valid for the schema, chosen by a
 * hash of the model and messages; for `json_object`, a small JSON object; otherwise
 * `"Echo: "` followed by the last user message (at most 400 characters).
 */
export function defaultResponse(request: ChatCompletionRequest): string {
  const seed = sha256Hex(JSON.stringify([request.model, request.messages]));
  const format = request.response_format;
  if (format?.type === "json_schema" && format.json_schema?.schema) {
    return JSON.stringify(sampleFromSchema(format.json_schema.schema, seed));
  }
  if (format?.type === "json_object") {
    return JSON.stringify({ answer: `Answer ${seed.slice(0, 8)}` });
  }
  const lastUser = [...request.messages].reverse().find((message) => message.role === "user");
  const text = lastUser ? contentText(lastUser.content) : "";
  return `Echo: ${text.slice(0, 400)}`;
}

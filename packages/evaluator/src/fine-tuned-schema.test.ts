import {
  type ChatCompletionRequest,
  defaultResponse,
  type OpenAITestServer,
  startOpenAITestServer,
} from "@loopkit/openai-test-server";
import { afterEach, describe, expect, it } from "vitest";
import { createRubricJudge } from "./rubric-judge.js";

// OpenAI's structured outputs guide ("Supported schemas"): fine-tuned models do not take
// minLength, maxLength, pattern, format, minimum, maximum, multipleOf, patternProperties,
// minItems or maxItems, and a strict schema with one is refused. The rubric judge's schema has
// maxLength (rationale) and minimum/maximum (score).
const REFUSED =
  /"(minLength|maxLength|pattern|format|minimum|maximum|multipleOf|patternProperties|minItems|maxItems)"/;

let server: OpenAITestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Judges once with `model` and returns the schema the request carried. The test server answers
 * from `answerSchema` when given (a fine-tuned model is told the score range in the prompt; the
 * server's sampler only reads the schema), else from the schema sent.
 */
async function judgeWith(model: string, answerSchema?: Record<string, unknown>) {
  let sent: Record<string, unknown> | undefined;
  server = await startOpenAITestServer({
    respond: (request: ChatCompletionRequest) => {
      sent = request.response_format?.json_schema?.schema;
      if (!answerSchema || !request.response_format?.json_schema) {
        return defaultResponse(request);
      }
      const json_schema = { ...request.response_format.json_schema, schema: answerSchema };
      return defaultResponse({
        ...request,
        response_format: { ...request.response_format, json_schema },
      });
    },
  });
  const judge = createRubricJudge({
    llm: { model, baseURL: server.baseURL, apiKey: "t", maxRetries: 0 },
  });
  const judgment = await judge.judge({ input: "x", output: "y" });
  await server.close();
  server = undefined;
  return { sent: sent ?? {}, status: judgment.status };
}

describe("the schema a judge sends", () => {
  it("keeps its constraints for a base model, and leaves out what fine-tuned models refuse", async () => {
    const base = await judgeWith("gpt-4o-mini");
    expect(JSON.stringify(base.sent)).toMatch(/"maxLength":1000/);
    expect(JSON.stringify(base.sent)).toMatch(/"minimum"/);
    expect(base.status).toBe("ok");

    const tuned = await judgeWith("ft:gpt-4o-mini-2024-07-18:acme::abc123", base.sent);
    expect(JSON.stringify(tuned.sent)).not.toMatch(REFUSED);
    expect(JSON.stringify(tuned.sent)).toMatch(/"rationale"/);
    // The reply is still checked against the full schema, and a valid one is taken.
    expect(tuned.status).toBe("ok");
  });
});

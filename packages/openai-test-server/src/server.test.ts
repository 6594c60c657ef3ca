import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startOpenAITestServer } from "./server.js";
import type { OpenAITestServer } from "./types.js";

// Response shapes follow the OpenAI API reference for chat completions
// (https://platform.openai.com/docs/api-reference/chat); the client used is the official
// `openai` SDK, so a shape it cannot parse would fail these tests.

let server: OpenAITestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function clientFor(s: OpenAITestServer, maxRetries = 0): OpenAI {
  return new OpenAI({ baseURL: s.baseURL, apiKey: "test-key", maxRetries });
}

const schemaFormat = {
  type: "json_schema" as const,
  json_schema: {
    name: "verdict",
    strict: true,
    schema: {
      type: "object",
      properties: {
        score: { type: "integer", minimum: 1, maximum: 5 },
        label: { type: "string", enum: ["good", "bad"] },
        note: { type: ["string", "null"] },
      },
      required: ["score", "label", "note"],
      additionalProperties: false,
    },
  },
};

describe("startOpenAITestServer", () => {
  it("answers a plain completion with an echo and token usage", async () => {
    server = await startOpenAITestServer();
    const completion = await clientFor(server).chat.completions.create({
      model: "test-model",
      messages: [{ role: "user", content: "Hello there" }],
    });
    expect(completion.choices[0]?.message.content).toBe("Echo: Hello there");
    expect(completion.model).toBe("test-model");
    const usage = completion.usage!;
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toBe("/v1/chat/completions");
  });

  it("derives a schema-valid object from a hash of the input, the same every time", async () => {
    server = await startOpenAITestServer();
    const client = clientFor(server);
    const ask = (content: string) =>
      client.chat.completions.create({
        model: "test-model",
        messages: [{ role: "user", content }],
        response_format: schemaFormat,
      });
    const first = JSON.parse((await ask("rate this")).choices[0]?.message.content ?? "");
    const again = JSON.parse((await ask("rate this")).choices[0]?.message.content ?? "");
    expect(again).toEqual(first);
    expect(Number.isInteger(first.score) && first.score >= 1 && first.score <= 5).toBe(true);
    expect(["good", "bad"]).toContain(first.label);
    expect(typeof first.note).toBe("string");
    const others = await Promise.all(
      Array.from({ length: 12 }, (_, i) => ask(`input ${i}`).then((c) => c.choices[0]?.message)),
    );
    const scores = new Set(others.map((m) => JSON.parse(m?.content ?? "").score));
    expect(scores.size).toBeGreaterThan(1);
  });

  it("uses a respond callback when given", async () => {
    server = await startOpenAITestServer({
      respond: (request, { index }) => ({
        content: `#${index} ${request.messages.length}`,
        completionTokens: 7,
      }),
    });
    const client = clientFor(server);
    const ask = () =>
      client.chat.completions.create({
        model: "m",
        messages: [
          { role: "system", content: "s" },
          { role: "user", content: "u" },
        ],
      });
    expect((await ask()).choices[0]?.message.content).toBe("#0 2");
    const second = await ask();
    expect(second.choices[0]?.message.content).toBe("#1 2");
    expect(second.usage?.completion_tokens).toBe(7);
  });

  it("streams server-sent events with usage in the final chunk", async () => {
    server = await startOpenAITestServer();
    const stream = await clientFor(server).chat.completions.create({
      model: "test-model",
      messages: [{ role: "user", content: "one two three four" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Echo: one two three four");
    expect(finish).toBe("stop");
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("omits usage from a stream unless asked", async () => {
    server = await startOpenAITestServer();
    const stream = await clientFor(server).chat.completions.create({
      model: "test-model",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const usages = [];
    for await (const chunk of stream) if (chunk.usage) usages.push(chunk.usage);
    expect(usages).toEqual([]);
  });

  it("cuts an answer at max_completion_tokens with finish_reason length", async () => {
    server = await startOpenAITestServer();
    const completion = await clientFor(server).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "one two three four five six" }],
      max_completion_tokens: 3,
    });
    // "Echo", ":", "one" are the first three tokens of "Echo: one two …".
    expect(completion.choices[0]?.message.content).toBe("Echo: one");
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.usage?.completion_tokens).toBe(3);
  });

  it("lists models", async () => {
    server = await startOpenAITestServer({ models: ["judge-1", "judge-2"] });
    const page = await clientFor(server).models.list();
    expect(page.data.map((m) => m.id)).toEqual(["judge-1", "judge-2"]);
  });

  it("answers 429 with retry-after for the next N requests, then recovers", async () => {
    server = await startOpenAITestServer();
    server.setFaults({ kind: "rate-limit", count: 2, retryAfterSeconds: 0.01 });
    const noRetry = clientFor(server, 0);
    const request = { model: "m", messages: [{ role: "user" as const, content: "x" }] };
    const error = await noRetry.chat.completions.create(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe(
      "0.01",
    );
    // The SDK's own retry honours retry-after: one more 429, then success.
    const completion = await clientFor(server, 2).chat.completions.create(request);
    expect(completion.choices[0]?.message.content).toBe("Echo: x");
    expect(server.requests.map((r) => r.fault)).toEqual(["rate-limit", "rate-limit", undefined]);
  });

  it("answers 500 for a server-error fault", async () => {
    server = await startOpenAITestServer();
    server.setFaults({ kind: "server-error" });
    const error = await clientFor(server)
      .chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
  });

  it("delays an answer for a slow fault", async () => {
    server = await startOpenAITestServer();
    server.setFaults({ kind: "slow", delayMs: 2_000 });
    const client = new OpenAI({
      baseURL: server.baseURL,
      apiKey: "k",
      maxRetries: 0,
      timeout: 200,
    });
    const error = await client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it("returns content that is not valid JSON for a malformed-json fault", async () => {
    server = await startOpenAITestServer();
    server.setFaults({ kind: "malformed-json" });
    const completion = await clientFor(server).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      response_format: schemaFormat,
    });
    const content = completion.choices[0]?.message.content ?? "";
    expect(() => JSON.parse(content)).toThrow();
  });

  it("cuts a stream short for a truncated-stream fault", async () => {
    server = await startOpenAITestServer();
    server.setFaults({ kind: "truncated-stream" });
    const stream = await clientFor(server).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "a b c d e f g h" }],
      stream: true,
    });
    let text = "";
    let finish: string | null | undefined;
    const consume = async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
    };
    await consume().catch(() => undefined);
    expect(finish).toBeUndefined();
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan("Echo: a b c d e f g h".length);
  });

  it("answers with a refusal and no content for a refusal fault", async () => {
    server = await startOpenAITestServer();
    server.setFaults({ kind: "refusal", message: "I can't help with that." });
    const completion = await clientFor(server).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      response_format: schemaFormat,
    });
    // Structured outputs guide, "Refusals": content is null and `refusal` holds the reason.
    expect(completion.choices[0]?.message).toMatchObject({
      content: null,
      refusal: "I can't help with that.",
    });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });

  it("resets the connection half-way through the body for a connection-reset fault", async () => {
    server = await startOpenAITestServer();
    server.setFaults({ kind: "connection-reset" });
    const client = clientFor(server);
    const error = await client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const ok = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
    });
    expect(ok.choices[0]?.message.content).toBe("Echo: x");
  });

  it("sends the headers and half the body, then stalls, for a stalled-body fault", async () => {
    server = await startOpenAITestServer();
    server.setFaults({ kind: "stalled-body" });
    const controller = new AbortController();
    const response = await fetch(`${server.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    const next = await Promise.race([
      reader.read().then(() => "more"),
      new Promise((resolve) => setTimeout(() => resolve("stalled"), 200)),
    ]);
    expect(next).toBe("stalled");
    controller.abort();
  });

  it("applies latency to every answer", async () => {
    server = await startOpenAITestServer({ latencyMs: 2_000 });
    const client = new OpenAI({
      baseURL: server.baseURL,
      apiKey: "k",
      maxRetries: 0,
      timeout: 150,
    });
    const error = await client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    server.setLatency(0);
    const ok = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
    });
    expect(ok.choices[0]?.message.content).toBe("Echo: x");
  });

  it("rejects an invalid body with a 400 the SDK understands", async () => {
    server = await startOpenAITestServer();
    const error = await clientFor(server)
      .chat.completions.create({ model: "m", messages: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(String((error as Error).message)).toContain("messages");
  });
});

/**
 * observeOpenAI against the real `openai` v6 client talking over TCP to
 * `@loopkit/openai-test-server` (no mocked module). Expected answers come from that server's
 * documented behaviour: `"Echo: <last user message>"`, one SSE chunk per word, usage counted
 * with OpenAI's cookbook rule; the test compares what the caller got with and without the
 * wrapper, and the logged usage with the usage the caller received.
 */
import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogInput } from "./client.js";
import { observeOpenAI } from "./openai.js";

let server: OpenAITestServer;
beforeAll(async () => {
  server = await startOpenAITestServer({ latencyMs: 20 });
});
afterAll(async () => {
  await server?.close();
});

function setup(extra: Partial<Parameters<typeof observeOpenAI>[1]> = {}) {
  const logged: LogInput[] = [];
  const loopkit = {
    log(event: LogInput) {
      logged.push(event);
      return `id-${logged.length}`;
    },
  };
  const raw = new OpenAI({ baseURL: server.baseURL, apiKey: "test", maxRetries: 0 });
  const client = observeOpenAI(raw, {
    loopkit,
    promptName: "support",
    promptVersion: "v2",
    ...extra,
  });
  return { raw, client, logged };
}

const messages = [
  { role: "system" as const, content: "Be brief." },
  { role: "user" as const, content: "reset my password" },
];

describe("observeOpenAI", () => {
  it("logs a plain completion with model, usage, latency and prompt version, returning the same answer", async () => {
    const { raw, client, logged } = setup();
    const expected = await raw.chat.completions.create({ model: "test-model", messages });
    const completion = await client.chat.completions.create({ model: "test-model", messages });
    expect(completion.choices[0]!.message.content).toBe("Echo: reset my password");
    expect(completion.choices).toEqual(expected.choices);
    expect(completion.usage).toEqual(expected.usage);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      promptName: "support",
      promptVersion: "v2",
      provider: "openai",
      model: "test-model",
      input: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "reset my password" },
      ],
      output: "Echo: reset my password",
      usage: {
        inputTokens: completion.usage!.prompt_tokens,
        outputTokens: completion.usage!.completion_tokens,
      },
      metadata: { finishReason: "stop" },
    });
    expect(logged[0]!.latencyMs).toBeGreaterThanOrEqual(15);
    expect(logged[0]!.status).toBeUndefined();
  });

  it("keeps the APIPromise: withResponse() still gives the raw response", async () => {
    const { client, logged } = setup();
    const { data, response } = await client.chat.completions
      .create({ model: "test-model", messages })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data.choices[0]!.message.content).toBe("Echo: reset my password");
    expect(logged).toHaveLength(1);
  });

  it("passes a stream through chunk by chunk and logs time to first token and usage", async () => {
    const { raw, client, logged } = setup();
    const body = {
      model: "test-model",
      messages,
      stream: true as const,
      stream_options: { include_usage: true },
    };
    const expected: unknown[] = [];
    for await (const chunk of await raw.chat.completions.create(body)) expected.push(chunk);
    const received: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of await client.chat.completions.create(body)) received.push(chunk);
    const strip = (chunks: unknown[]) =>
      chunks.map((c) => ({ ...(c as object), id: undefined, created: undefined }));
    expect(strip(received)).toEqual(strip(expected));
    const text = received.map((c) => c.choices[0]?.delta?.content ?? "").join("");
    expect(text).toBe("Echo: reset my password");
    const usage = received.find((c) => c.usage)!.usage!;
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      output: "Echo: reset my password",
      usage: { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens },
      metadata: { stream: true, finishReason: "stop" },
    });
    expect(logged[0]!.timeToFirstTokenMs).toBeGreaterThanOrEqual(15);
    expect(logged[0]!.latencyMs).toBeGreaterThanOrEqual(logged[0]!.timeToFirstTokenMs!);
  });

  it("observes streams read through tee() and logs once when the reader stops early", async () => {
    const { client, logged } = setup();
    const stream = await client.chat.completions.create({
      model: "test-model",
      messages,
      stream: true,
    });
    const [left, right] = stream.tee();
    let leftText = "";
    for await (const chunk of left) leftText += chunk.choices[0]?.delta?.content ?? "";
    for await (const _ of right) break;
    expect(leftText).toBe("Echo: reset my password");
    expect(logged).toHaveLength(1);
    expect(logged[0]!.output).toBe("Echo: reset my password");

    const early = await client.chat.completions.create({
      model: "test-model",
      messages,
      stream: true,
    });
    for await (const _ of early) break;
    expect(logged).toHaveLength(2);
    expect(logged[1]!.metadata).toMatchObject({ stream: true, finishReason: null });
  });

  it("logs errors and rethrows the very same error", async () => {
    const { client, logged } = setup();
    server.setFaults({ kind: "server-error", status: 503 });
    const failure = await client.chat.completions
      .create({ model: "test-model", messages })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ status: "error", model: "test-model" });
    expect(logged[0]!.errorMessage).toMatch(/^503 /);
  });

  it("logs a truncated stream with what arrived and no finish reason", async () => {
    const { client, logged } = setup();
    server.setFaults({ kind: "truncated-stream" });
    const longer = [{ role: "user" as const, content: "one two three four five six" }];
    let text = "";
    try {
      const stream = await client.chat.completions.create({
        model: "test-model",
        messages: longer,
        stream: true,
      });
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    } catch {
      // The openai client may or may not throw on a stream cut short; either way it is logged.
    }
    expect(logged).toHaveLength(1);
    expect(logged[0]!.output).toBe(text);
    expect(text.length).toBeLessThan("Echo: one two three four five six".length);
    expect(logged[0]!.metadata).toMatchObject({ finishReason: null });
  });

  it("can log without content, under a given event id, and leaves other methods working", async () => {
    const ids: string[] = [];
    const { client, logged } = setup({
      captureContent: false,
      eventId: "0190a5d2-0000-7000-8000-00000000abcd",
      onLog: (id) => ids.push(id),
    });
    await client.chat.completions.create({ model: "test-model", messages });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(logged[0]!.id).toBe("0190a5d2-0000-7000-8000-00000000abcd");
    expect(logged[0]!.input).toBeUndefined();
    expect(logged[0]!.output).toBeUndefined();
    expect(ids).toEqual(["id-1"]);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(["test-model"]);
  });
});

describe("observeOpenAI with an answer it cannot read", () => {
  it("hands it over as is and raises nothing of its own (no unhandled rejection)", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      // An OpenAI-compatible stand-in (a test double, a proxy client) answering null.
      const client = observeOpenAI(
        { chat: { completions: { create: async (_body: unknown) => null } } },
        { loopkit: { log: () => "id" } },
      );
      expect(await client.chat.completions.create({ model: "m", messages: [] })).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

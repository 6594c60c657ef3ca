import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { defaultResponse } from "./default-responder.js";
import { FaultQueue } from "./fault-queue.js";
import { approximateTokens, promptTokens, truncateToTokens } from "./tokens.js";
import type {
  ChatCompletionRequest,
  Fault,
  OpenAITestServer,
  OpenAITestServerOptions,
  RecordedRequest,
} from "./types.js";

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Starts a real HTTP server on a random 127.0.0.1 port that speaks the OpenAI API:
 * `POST /v1/chat/completions` (plain, and `stream: true` as server-sent events with usage in a
 * final chunk when `stream_options.include_usage` is set) and `GET /v1/models`.
 *
 * Stages of one chat completion: record the request → validate the body → take the next queued
 * fault → wait (latency, plus a slow fault's delay) → answer an error fault, or build the
 * answer (`respond`, else {@link defaultResponse}) → corrupt it for a malformed-JSON fault →
 * write it whole (a refusal instead for a refusal fault; half of it, then a reset or a stall,
 * for a connection-reset or stalled-body fault), or as a stream (cut short for a
 * truncated-stream fault).
 *
 * @example
 * const server = await startOpenAITestServer({ latencyMs: 20 });
 * const client = new OpenAI({ baseURL: server.baseURL, apiKey: "test" });
 * await server.close();
 */
export async function startOpenAITestServer(
  options: OpenAITestServerOptions = {},
): Promise<OpenAITestServer> {
  let latencyMs = options.latencyMs ?? 0;
  const models = options.models ?? ["test-model"];
  const requests: RecordedRequest[] = [];
  const faults = new FaultQueue();
  let completionIndex = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendError(res, 500, "server_error", `test server failed: ${String(error)}`);
      } else {
        res.destroy();
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
    const raw = await readBody(req);
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        requests.push({ method: req.method ?? "", path, headers: req.headers, body: raw });
        return sendError(res, 400, "invalid_request_error", "request body is not valid JSON");
      }
    }
    const record: RecordedRequest = { method: req.method ?? "", path, headers: req.headers, body };
    requests.push(record);

    if (req.method === "GET" && path === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          object: "list",
          data: models.map((id) => ({ id, object: "model", created: 0, owned_by: "loopkit" })),
        }),
      );
      return;
    }
    if (req.method !== "POST" || path !== "/v1/chat/completions") {
      return sendError(res, 404, "invalid_request_error", `unknown route ${req.method} ${path}`);
    }
    const problem = validateChatRequest(body);
    if (problem) return sendError(res, 400, "invalid_request_error", problem);
    const request = body as ChatCompletionRequest;
    const index = completionIndex++;

    const fault = faults.take();
    if (fault) record.fault = fault.kind;
    const delay = latencyMs + (fault?.kind === "slow" ? fault.delayMs : 0);
    if (delay > 0) await sleep(delay);
    if (res.destroyed) return;

    if (fault?.kind === "rate-limit") {
      res.setHeader("retry-after", String(fault.retryAfterSeconds ?? 1));
      return sendError(res, 429, "rate_limit_exceeded", "Rate limit reached (injected fault).");
    }
    if (fault?.kind === "server-error") {
      return sendError(
        res,
        fault.status ?? 500,
        "server_error",
        "Internal error (injected fault).",
      );
    }

    const answer = await (options.respond ?? defaultResponse)(request, { index });
    const result = typeof answer === "string" ? { content: answer } : answer;
    let content = result.content;
    let finishReason: string = result.finishReason ?? "stop";
    const limit = maxOutputTokens(request);
    if (limit !== undefined && approximateTokens(content) > limit) {
      content = truncateToTokens(content, limit);
      finishReason = "length";
    }
    if (fault?.kind === "malformed-json") content = `{"malformed": ${content.slice(0, 24)}`;
    const usage = {
      prompt_tokens: result.promptTokens ?? promptTokens(request),
      completion_tokens: result.completionTokens ?? approximateTokens(content),
      total_tokens: 0,
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const common = {
      id: `chatcmpl-${randomUUID()}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      system_fingerprint: "fp_loopkit_test",
    };

    if (request.stream) {
      writeStream(res, {
        common,
        content,
        finishReason,
        usage: request.stream_options?.include_usage ? usage : undefined,
        truncate: fault?.kind === "truncated-stream",
      });
      return;
    }
    const refusal = fault?.kind === "refusal" ? (fault.message ?? "I can't help with that.") : null;
    const json = JSON.stringify({
      ...common,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: refusal === null ? content : null, refusal },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage,
    });
    res.writeHead(200, { "content-type": "application/json" });
    if (fault?.kind === "connection-reset" || fault?.kind === "stalled-body") {
      writeHalfBody(res, json, fault.kind === "connection-reset");
      return;
    }
    res.end(json);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    setFaults: (...list: Fault[]) => faults.push(list),
    setLatency: (value: number) => {
      latencyMs = value;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface StreamPlan {
  common: { id: string; created: number; model: string; system_fingerprint: string };
  content: string;
  finishReason: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | undefined;
  truncate: boolean;
}

/** Writes an answer as OpenAI's server-sent events, one chunk per word. */
function writeStream(res: ServerResponse, plan: StreamPlan): void {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  const chunk = (choices: unknown[], usage: unknown = null) =>
    `data: ${JSON.stringify({ ...plan.common, object: "chat.completion.chunk", choices, usage })}\n\n`;
  const pieces = plan.content.match(/\S+\s*|\s+/g) ?? [];
  res.write(chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]));
  const cut = plan.truncate ? Math.ceil(pieces.length / 2) : pieces.length;
  for (const piece of pieces.slice(0, cut)) {
    res.write(chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]));
  }
  if (plan.truncate) {
    // Cut the connection mid-stream once the partial chunks are flushed: no finish chunk,
    // no [DONE], no terminating zero-length chunk.
    res.write("", () => setTimeout(() => res.socket?.destroy(), 20));
    return;
  }
  res.write(chunk([{ index: 0, delta: {}, finish_reason: plan.finishReason }]));
  if (plan.usage) res.write(chunk([], plan.usage));
  res.end("data: [DONE]\n\n");
}

/**
 * Writes the first half of `body` without ending the response; then destroys the socket once
 * that half is flushed (`reset`), or leaves the client waiting for the rest.
 */
function writeHalfBody(res: ServerResponse, body: string, reset: boolean): void {
  res.write(body.slice(0, Math.ceil(body.length / 2)), () => {
    if (reset) setTimeout(() => res.socket?.destroy(), 20);
  });
}

/** `max_completion_tokens` (or the older `max_tokens`), when the request sets one. */
function maxOutputTokens(request: ChatCompletionRequest): number | undefined {
  const value = request.max_completion_tokens ?? request.max_tokens;
  return typeof value === "number" && value >= 0 ? value : undefined;
}

function validateChatRequest(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return "the body must be a JSON object";
  const { model, messages } = body as Record<string, unknown>;
  if (typeof model !== "string" || model.length === 0) return "`model` must be a non-empty string";
  if (!Array.isArray(messages) || messages.length === 0) {
    return "`messages` must be a non-empty array";
  }
  for (const [i, message] of messages.entries()) {
    if (!message || typeof message !== "object" || typeof message.role !== "string") {
      return `messages[${i}] needs a string \`role\``;
    }
  }
  return undefined;
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ error: { message, type, param: null, code: type } }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body over 10 MiB");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

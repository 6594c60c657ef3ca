/** One message of a chat completion request, as the client sent it. */
export interface ChatMessageParam {
  role: string;
  content?: unknown;
  name?: string;
  [key: string]: unknown;
}

/** The body of `POST /v1/chat/completions`, as far as the test server reads it. */
export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessageParam[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean | null } | null;
  response_format?: {
    type: string;
    json_schema?: { name?: string; schema?: Record<string, unknown>; strict?: boolean | null };
  } | null;
  [key: string]: unknown;
}

/** What a `respond` callback may give back: the answer's text, or the text with its usage. */
export type RespondResult =
  | string
  | {
      /** The assistant message's content. */
      content: string;
      /** Overrides the computed prompt token count. */
      promptTokens?: number;
      /** Overrides the computed completion token count. */
      completionTokens?: number;
      /** Defaults to `"stop"`. */
      finishReason?: "stop" | "length" | "content_filter";
    };

/** Builds the answer to one chat completion request. `index` counts requests from 0. */
export type Responder = (
  request: ChatCompletionRequest,
  context: { index: number },
) => RespondResult | Promise<RespondResult>;

/** One fault to inject into the next `count` chat completion answers (default 1). */
export type Fault =
  | { kind: "rate-limit"; count?: number; retryAfterSeconds?: number }
  | { kind: "server-error"; count?: number; status?: 500 | 502 | 503 }
  | { kind: "slow"; count?: number; delayMs: number }
  | { kind: "malformed-json"; count?: number }
  | { kind: "truncated-stream"; count?: number }
  /** Content `null` and `message.refusal` set, as a model that declines answers. */
  | { kind: "refusal"; count?: number; message?: string }
  /** Status, headers and half the body are sent, then the socket is destroyed. */
  | { kind: "connection-reset"; count?: number }
  /** Status, headers and half the body are sent, then nothing until the client hangs up. */
  | { kind: "stalled-body"; count?: number };

/** One HTTP request the server received, in arrival order. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or `undefined` for a request without one. */
  body: unknown;
  /** The fault applied to this request, if any. */
  fault?: Fault["kind"];
}

/** Options of {@link startOpenAITestServer}. */
export interface OpenAITestServerOptions {
  /** Delay before every answer, in milliseconds (default 0). */
  latencyMs?: number;
  /** Builds answers; the default derives them deterministically from the request. */
  respond?: Responder;
  /** Model ids listed by `GET /v1/models` (default `["test-model"]`). */
  models?: string[];
}

/** A running test server. */
export interface OpenAITestServer {
  /** Base URL to give the openai client, e.g. `http://127.0.0.1:41234/v1`. */
  baseURL: string;
  /** Every request received so far, oldest first. */
  requests: RecordedRequest[];
  /** Queues faults; each applies to the next `count` chat completion answers, in order. */
  setFaults(...faults: Fault[]): void;
  /** Changes the latency of later answers. */
  setLatency(latencyMs: number): void;
  /** Stops the server and closes open connections. */
  close(): Promise<void>;
}

/**
 * `@loopkit/sdk/openai`: logs the chat completions of an `openai` v6 client. `openai` is an
 * optional peer dependency used for types only: this entry imports nothing from it at run time.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { LogInput } from "./client.js";

/** Options of {@link observeOpenAI}. */
export interface ObserveOpenAIOptions {
  /** Where to log: a Loopkit client (or anything with its `log`). */
  loopkit: { log(event: LogInput): string };
  promptName?: string;
  promptVersion?: string;
  /** Default `"openai"`; set it for other OpenAI-compatible endpoints (`"vllm"`, `"ollama"`…). */
  provider?: string;
  /**
   * The id to log the next call under, e.g. the `requestId` that `loopkit.shadow()` hands to its
   * primary, so that feedback and shadows can refer to it. Use a fresh wrapper per request.
   */
  eventId?: string;
  /** Your id of the surrounding request (an HTTP request id), logged as `requestId`. */
  requestId?: string;
  conversationId?: string;
  userId?: string;
  tags?: string[];
  metadata?: Record<string, string | number | boolean | null>;
  /** Log the messages and the answer (default true); `false` logs only model, usage and timing. */
  captureContent?: boolean;
  /** Called with the id of each logged event, for feedback on it. */
  onLog?: (eventId: string) => void;
}

type Message = NonNullable<Extract<LogInput["input"], unknown[]>>[number];
type Role = Message["role"];
const ROLES = new Set<string>(["system", "developer", "user", "assistant", "tool"]);

/** A chat message's content as text: strings as they are, the text parts of an array joined. */
function contentText(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part: { type?: string; text?: string }) =>
        part.type === "text" ? (part.text ?? "") : `[${part.type ?? "part"}]`,
      )
      .join("");
  }
  return content == null ? null : JSON.stringify(content);
}

function toMessages(messages: readonly ChatCompletionMessageParam[] | undefined): Message[] {
  return (messages ?? []).map((m) => ({
    role: (ROLES.has(m.role) ? m.role : "tool") as Role,
    content: contentText(m.content),
  }));
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { status?: number }).status;
    return (status ? `${status} ${error.message}` : error.message).slice(0, 2000);
  }
  return String(error).slice(0, 2000);
}

function usageOf(usage: ChatCompletion["usage"] | null | undefined): LogInput["usage"] {
  if (!usage) return undefined;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens,
  };
}

interface CallBody {
  model?: string;
  messages?: ChatCompletionMessageParam[];
  stream?: boolean | null;
}

interface StreamLike {
  iterator: () => AsyncIterator<ChatCompletionChunk>;
}

/**
 * Wraps an `openai` client so that each `chat.completions.create` call, plain or with
 * `stream: true`, is logged with model, token usage, latency, time to first token (streams),
 * prompt name and version from `options`, the messages and answer, and errors, while the
 * caller gets exactly what the client returns: the same `APIPromise` (so `withResponse()` still
 * works), the same `Stream` passed through chunk by chunk (also through `tee()` and
 * `toReadableStream()`), the same errors. Everything else on the client is untouched.
 *
 * Streams report usage only when you ask for it with `stream_options: { include_usage: true }`;
 * the wrapper does not add it, since that would change the chunks you receive.
 */
export function observeOpenAI<
  T extends { chat: { completions: { create: (...args: never[]) => unknown } } },
>(client: T, options: ObserveOpenAIOptions): T {
  const capture = options.captureContent !== false;
  const completions = client.chat.completions;
  const create = completions.create as (body: CallBody, requestOptions?: unknown) => unknown;

  function record(body: CallBody, started: number, fields: Partial<LogInput>): void {
    try {
      const id = options.loopkit.log({
        ...(options.eventId ? { id: options.eventId } : {}),
        requestId: options.requestId,
        conversationId: options.conversationId,
        userId: options.userId,
        tags: options.tags,
        promptName: options.promptName,
        promptVersion: options.promptVersion,
        provider: options.provider ?? "openai",
        model: body.model,
        input: capture ? toMessages(body.messages) : undefined,
        latencyMs: Date.now() - started,
        ...fields,
        metadata: { ...options.metadata, ...fields.metadata },
      });
      options.onLog?.(id);
    } catch {
      // Logging must never change what the caller receives.
    }
  }

  function observeStream(body: CallBody, started: number, stream: StreamLike): void {
    const iterate = stream.iterator.bind(stream);
    stream.iterator = () => {
      const inner = iterate();
      let output = "";
      let firstTokenMs: number | undefined;
      let model = body.model;
      let usage: ChatCompletionChunk["usage"];
      let finishReason: string | null = null;
      let logged = false;
      const finish = (error?: unknown) => {
        if (logged) return;
        logged = true;
        record(body, started, {
          model,
          output: capture ? output : undefined,
          usage: usageOf(usage),
          timeToFirstTokenMs: firstTokenMs,
          ...(error === undefined ? {} : { status: "error", errorMessage: errorText(error) }),
          metadata: { stream: true, finishReason },
        });
      };
      return {
        async next() {
          let result: IteratorResult<ChatCompletionChunk>;
          try {
            result = await inner.next();
          } catch (error) {
            finish(error);
            throw error;
          }
          if (result.done) {
            finish();
            return result;
          }
          const chunk = result.value;
          model = chunk.model || model;
          if (chunk.usage) usage = chunk.usage;
          const choice = chunk.choices?.[0];
          if (choice?.delta?.content) {
            firstTokenMs ??= Date.now() - started;
            output += choice.delta.content;
          }
          if (choice?.finish_reason) finishReason = choice.finish_reason;
          return result;
        },
        async return(value?: unknown) {
          // The caller stopped reading early (break): log what came so far.
          finish();
          return (await inner.return?.(value)) ?? { done: true, value: undefined };
        },
        async throw(error?: unknown) {
          finish(error);
          if (inner.throw) return inner.throw(error);
          throw error;
        },
      } as AsyncIterator<ChatCompletionChunk>;
    };
  }

  function observedCreate(this: unknown, body: CallBody, requestOptions?: unknown): unknown {
    const started = Date.now();
    const result = create.call(completions, body, requestOptions);
    // A side branch on the same promise: registered first, so a stream is observed before the
    // caller's own `then` runs; the caller's promise object is returned unchanged.
    (result as Promise<unknown>)
      .then(
        (value) => {
          if (body.stream) {
            if (value && typeof (value as StreamLike).iterator === "function") {
              observeStream(body, started, value as StreamLike);
            }
            return;
          }
          const completion = value as ChatCompletion;
          const choice = completion.choices?.[0];
          record(body, started, {
            model: completion.model || body.model,
            output: capture
              ? (choice?.message?.content ?? JSON.stringify(choice?.message?.tool_calls ?? null))
              : undefined,
            usage: usageOf(completion.usage),
            metadata: { finishReason: choice?.finish_reason ?? null },
          });
        },
        (error: unknown) => {
          record(body, started, { status: "error", errorMessage: errorText(error) });
        },
      )
      // An answer this branch cannot read (not a completion) is not logged; an error here would
      // be an unhandled rejection, which ends a Node process.
      .catch(() => {});
    return result;
  }

  const completionsProxy = passThrough(completions, "create", observedCreate);
  const chatProxy = passThrough(client.chat, "completions", completionsProxy);
  return passThrough(client, "chat", chatProxy);
}

/**
 * A view of `target` where `key` reads as `value` and everything else is the target's own,
 * methods bound to the target (so private `#fields` keep working).
 */
function passThrough<T extends object>(target: T, key: string, value: unknown): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop === key) return value;
      const own = Reflect.get(t, prop, t);
      return typeof own === "function" ? own.bind(t) : own;
    },
  });
}

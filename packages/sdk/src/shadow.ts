import { newEventId, shouldSample } from "@loopkit/core";
import type { LogInput } from "./client.js";

/** Options of `loopkit.shadow()`. */
export interface ShadowOptions<C> {
  /** The candidate's prompt version (the one being tried), e.g. `"v3"`. */
  promptVersion: string;
  /** The prompt's name; the same as the primary's. */
  promptName?: string;
  /** The id the primary logs its request under (default: a new UUIDv7, passed to `primary`). */
  requestId?: string;
  /** The candidate's model. */
  model?: string;
  /** The input both ran on, logged with the candidate's output. */
  input?: LogInput["input"];
  conversationId?: string;
  /** Share of requests that also run the candidate, 0–1 (default 1), by conversation or request id. */
  sampleRate?: number;
  /** Turns the candidate's result into the logged output (default: strings as they are, anything else as JSON). */
  output?: (result: C) => LogInput["output"];
  metadata?: LogInput["metadata"];
  /** Called with the candidate's error; the primary never sees it. */
  onError?: (error: unknown) => void;
}

function defaultOutput(result: unknown): string {
  return typeof result === "string" ? result : JSON.stringify(result);
}

/**
 * Runs `candidate` beside `primary`: both start at once, the returned promise settles exactly as
 * the primary's does, and the candidate never delays or fails it. When the candidate finishes,
 * its output (or its error, with `status: "error"`) is logged as a log event whose `shadowOf`
 * is the primary's request id. `primary` receives that id, to log its own request under it.
 */
export function runShadow<T, C>(
  log: (event: LogInput) => string,
  primary: (requestId: string) => Promise<T>,
  candidate: () => Promise<C>,
  options: ShadowOptions<C>,
): Promise<T> {
  const requestId = options.requestId ?? newEventId();
  const result = primary(requestId);
  if (shouldSample(options.conversationId ?? requestId, options.sampleRate ?? 1)) {
    const started = Date.now();
    const base: LogInput = {
      shadowOf: requestId,
      promptName: options.promptName,
      promptVersion: options.promptVersion,
      model: options.model,
      input: options.input,
      conversationId: options.conversationId,
      metadata: options.metadata,
    };
    void (async () => {
      let event: LogInput;
      try {
        const value = await candidate();
        event = { ...base, output: (options.output ?? defaultOutput)(value) };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        event = { ...base, status: "error", errorMessage: message.slice(0, 2000) };
        try {
          options.onError?.(error);
        } catch {
          // A failing error callback must not surface as an unhandled rejection either.
        }
      }
      log({ ...event, latencyMs: Date.now() - started });
    })();
  }
  return result;
}

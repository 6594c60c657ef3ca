import { newEventId } from "@loopkit/core";
import type { LogInput, Loopkit } from "./client.js";

/** Options shared by the server middlewares. */
export interface MiddlewareOptions {
  /** The Loopkit client of the process (one per process, not per request). */
  loopkit: Loopkit;
  /**
   * The header that carries a request id in and out (default `x-request-id`). An incoming id is
   * kept when it is 1–128 visible ASCII characters; otherwise a new UUIDv7 is made.
   */
  requestIdHeader?: string;
  /** Flush the client when the response has ended (serverless: the process may freeze after). */
  flushOnEnd?: boolean;
}

/**
 * The client as one request sees it: `log()` fills in `requestId` (the request's id), so every
 * LLM call of the request can be found by it; everything else is the process's client.
 */
export interface RequestLoopkit
  extends Pick<Loopkit, "feedback" | "exposure" | "shadow" | "flush" | "stats"> {
  /** This request's id: the incoming header's, or a new UUIDv7. */
  readonly requestId: string;
  /** Logs an LLM interaction of this request (with `requestId` set unless you set it). */
  log(event: LogInput): string;
  /** The process-wide client. */
  readonly client: Loopkit;
}

const VALID_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The request id to use: the incoming one when it is sane, else a new UUIDv7. */
export function requestIdFrom(incoming: string | null | undefined): string {
  return incoming && VALID_REQUEST_ID.test(incoming) ? incoming : newEventId();
}

/** Binds a client to one request id. */
export function scopeToRequest(loopkit: Loopkit, requestId: string): RequestLoopkit {
  return {
    requestId,
    client: loopkit,
    log: (event) => loopkit.log({ ...event, requestId: event.requestId ?? requestId }),
    feedback: loopkit.feedback,
    exposure: loopkit.exposure,
    shadow: loopkit.shadow,
    flush: loopkit.flush,
    stats: loopkit.stats,
  };
}

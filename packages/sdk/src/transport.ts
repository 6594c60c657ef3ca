import type { EventResult, IngestResult } from "@loopkit/server";
import { parseRetryAfter } from "./backoff.js";

/** The `fetch` the client uses (the global one by default). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * An error answered by the server: its stable code (`error.data.loopkitCode`, else `HTTP_<status>`),
 * the HTTP status and message, and its `Retry-After` in ms; or `NETWORK_ERROR` with status 0
 * when no answer came.
 */
export class LoopkitApiError extends Error {
  override readonly name = "LoopkitApiError";
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/**
 * Calls a procedure over tRPC's HTTP protocol: a GET (a query, input in the URL) without `body`,
 * a POST (a mutation) with the input already serialized as `body`. A plain fetch, far smaller in
 * a browser bundle than a tRPC client link.
 *
 * @returns The answer's `result.data`.
 * @throws {LoopkitApiError} for an error answer, or `NETWORK_ERROR` when the request failed.
 */
export async function callProcedure(
  fetchFn: FetchLike,
  url: string,
  apiKey: string,
  body?: string | Uint8Array<ArrayBuffer>,
  keepalive?: boolean,
): Promise<unknown> {
  type Answer = {
    result?: { data?: unknown };
    error?: { message?: string; data?: { loopkitCode?: string } };
  } | null;
  let response: Response;
  let answer: Answer;
  try {
    response = await fetchFn(url, {
      method: body ? "POST" : "GET",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body,
      keepalive,
    });
    // A success whose body does not arrive whole (the connection broke mid-answer: a server
    // killed after its commit) is no answer either: what became of the call is unknown, so a
    // batch is sent again, and what was stored is answered `duplicate`. An error's body is
    // optional (a proxy's page).
    answer = await (response.ok ? response.json() : response.json().catch(() => null));
  } catch (error) {
    throw new LoopkitApiError("NETWORK_ERROR", 0, `network error: ${error}`);
  }
  const { status } = response;
  if (response.ok && answer?.result) return answer.result.data;
  throw new LoopkitApiError(
    answer?.error?.data?.loopkitCode ?? `HTTP_${status}`,
    status,
    answer?.error?.message ?? `HTTP ${status}`,
    parseRetryAfter(response.headers.get("retry-after")),
  );
}

/** Whether a failed call is worth retrying: no answer, a timeout, 429 or a 5xx. */
export function isRetryable({ status }: LoopkitApiError): boolean {
  return !status || status === 408 || status === 429 || status >= 500;
}

/** The one UTF-8 encoder of the client: events are encoded once, when first batched. */
export const utf8 = new TextEncoder();

const HEAD = utf8.encode('{"events":[');

/**
 * The request body of `ingest.batch` for events already serialized as UTF-8 JSON, spliced as
 * bytes: joining their strings and encoding the result took four times as long (8 against 2 ms
 * for 500 events of 1.7 KB, Node 20), and a beacon or fetch takes bytes as they are. Each event
 * is followed by a comma, the last one's overwritten by the closing `]}` (so `events` is never
 * empty: the client sends no empty batch).
 */
function batchBody(events: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const body = new Uint8Array(events.reduce((n, event) => n + event.length + 1, HEAD.length + 1));
  body.set(HEAD);
  let at = HEAD.length;
  for (const event of events) {
    body.set(event, at);
    at += event.length;
    body[at++] = 44; // ,
  }
  body.set([93, 125], at - 1); // ]}
  return body;
}

/**
 * Sends events (each already serialized as UTF-8 JSON) to `ingest.batch`.
 *
 * @returns The per-event results, in the order of `events`.
 * @throws {LoopkitApiError} when the batch as a whole was not taken (see {@link isRetryable}).
 */
export async function sendBatch(
  fetchFn: FetchLike,
  baseUrl: string,
  apiKey: string,
  events: readonly Uint8Array[],
  keepalive?: boolean,
): Promise<EventResult[]> {
  const url = `${baseUrl}/trpc/ingest.batch`;
  const answer = await callProcedure(fetchFn, url, apiKey, batchBody(events), keepalive);
  return (answer as IngestResult).results;
}

/**
 * Hands events to `navigator.sendBeacon`, which the browser delivers even after the page is
 * gone. A beacon cannot carry an `Authorization` header, so the key goes in the `key` query
 * parameter (only ever a public key: a URL ends up in logs) and the body is `text/plain` (a
 * CORS-safelisted type, so no preflight). Returns `false` where there is no `sendBeacon` or the
 * browser refused to queue it (over its 64 KiB in-flight quota).
 */
export function sendBeacon(
  baseUrl: string,
  apiKey: string,
  events: readonly Uint8Array[],
): boolean {
  const nav = (globalThis as { navigator?: { sendBeacon?: (url: string, data: Blob) => boolean } })
    .navigator;
  return (
    nav?.sendBeacon?.(
      `${baseUrl}/trpc/ingest.batch?key=${encodeURIComponent(apiKey)}`,
      new Blob([batchBody(events)], { type: "text/plain" }),
    ) === true
  );
}

import type { EventResult, IngestResult } from "@loopkit/server";
import { parseRetryAfter } from "./backoff.js";

/** The `fetch` the client uses (the global one by default). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** How sending one batch ended. */
export type SendOutcome =
  | { type: "delivered"; results: EventResult[] }
  | { type: "retry"; reason: string; retryAfterMs: number | null }
  | { type: "too_large" }
  | { type: "failed"; code: string; reason: string };

/** The request body of `ingest.batch` for events already serialized as JSON. */
export function batchBody(events: readonly string[]): string {
  return `{"events":[${events.join(",")}]}`;
}

/**
 * Sends events (each already serialized as JSON) to `ingest.batch` over tRPC's HTTP protocol
 * (a POST whose body is the input, answered `{ result: { data } }` or `{ error }`): a plain
 * fetch, far smaller in a browser bundle than a tRPC client link.
 */
export async function sendBatch(
  fetchFn: FetchLike,
  baseUrl: string,
  apiKey: string,
  events: readonly string[],
  keepalive = false,
): Promise<SendOutcome> {
  let response: Response;
  try {
    response = await fetchFn(`${baseUrl}/trpc/ingest.batch`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: batchBody(events),
      keepalive,
    });
  } catch (error) {
    return { type: "retry", reason: `network error: ${String(error)}`, retryAfterMs: null };
  }
  const status = response.status;
  const body = (await response.json().catch(() => null)) as {
    result?: { data?: IngestResult };
    error?: { message?: string; data?: { loopkitCode?: string } };
  } | null;
  if (status === 200 && body?.result?.data)
    return { type: "delivered", results: body.result.data.results };
  if (status === 413) return { type: "too_large" };
  const reason = body?.error?.message ?? `HTTP ${status}`;
  if (status === 429 || status >= 500 || status === 408) {
    return {
      type: "retry",
      reason,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
    };
  }
  return { type: "failed", code: body?.error?.data?.loopkitCode ?? `HTTP_${status}`, reason };
}

/**
 * Hands events to `navigator.sendBeacon` (for pages leaving without `fetch`). A beacon cannot
 * carry an `Authorization` header, so the key goes in the `key` query parameter and the body is
 * `text/plain` (no CORS preflight). Returns `false` when the browser refused to queue it.
 */
export function sendBeacon(baseUrl: string, apiKey: string, events: readonly string[]): boolean {
  const nav = (globalThis as { navigator?: { sendBeacon?: (url: string, data: Blob) => boolean } })
    .navigator;
  if (!nav?.sendBeacon) return false;
  return nav.sendBeacon(
    `${baseUrl}/trpc/ingest.batch?key=${encodeURIComponent(apiKey)}`,
    new Blob([batchBody(events)], { type: "text/plain" }),
  );
}

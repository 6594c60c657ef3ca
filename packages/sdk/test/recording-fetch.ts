/**
 * An in-process `fetch` that answers as `ingest.batch` does (tRPC's `{ result: { data } }`, one
 * `accepted` result per event) and records every request, for unit tests of what the client
 * puts on the wire. Delivery to the real server is tested in `test/`.
 */
import {
  createLoopkit,
  type Loopkit,
  type LoopkitOptions,
  type OutgoingEvent,
} from "../src/client.js";
import type { FetchLike } from "../src/transport.js";

/** One recorded request. */
export interface Sent {
  url: string;
  init: RequestInit;
  events: OutgoingEvent[];
  bytes: number;
}

/** A fetch that accepts every event, and the requests it saw. */
export function recordingFetch(): { fetch: FetchLike; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetchFn: FetchLike = async (url, init) => {
    // The client sends a batch as UTF-8 bytes.
    const bytes = init.body as Uint8Array;
    const { events } = JSON.parse(new TextDecoder().decode(bytes)) as { events: OutgoingEvent[] };
    sent.push({ url, init, events, bytes: bytes.length });
    const results = events.map((event, index) => ({ index, id: event.id, status: "accepted" }));
    return new Response(JSON.stringify({ result: { data: { results } } }), {
      headers: { "content-type": "application/json" },
    });
  };
  return { fetch: fetchFn, sent };
}

/**
 * A client with a public test key that sends through {@link recordingFetch} and flushes only when
 * asked (the interval is a minute), and the requests it sent.
 */
export function recordingLoopkit(options: Partial<LoopkitOptions> = {}): {
  loopkit: Loopkit;
  sent: Sent[];
} {
  const { fetch, sent } = recordingFetch();
  const loopkit = createLoopkit({
    baseUrl: "http://loopkit.test",
    apiKey: "lk_pub_test",
    fetch,
    flushIntervalMs: 60_000,
    ...options,
  });
  return { loopkit, sent };
}

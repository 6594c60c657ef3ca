import {
  type ExposureEventInput,
  type FeedbackEventInput,
  type LogEventInput,
  newEventId,
  shouldSample,
} from "@loopkit/core";
import type { EventResult } from "@loopkit/server";
import { type ApiClient, createApiClient } from "./api.js";
import { retryDelayMs } from "./backoff.js";
import { type FeedbackHelpers, feedbackHelpers } from "./feedback.js";
import { attachLifecycle } from "./lifecycle.js";
import { BoundedQueue } from "./queue.js";
import { runShadow, type ShadowOptions } from "./shadow.js";
import {
  type FetchLike,
  isRetryable,
  type LoopkitApiError,
  sendBatch,
  sendBeacon,
  utf8,
} from "./transport.js";

/** Keepalive request bodies are capped at 64 KiB by the Fetch standard; keep a margin. */
const KEEPALIVE_BYTES = 60 * 1024;
/**
 * Events the server takes in one batch: core's `LIMITS.maxBatchEvents`, written out because
 * importing `LIMITS` bundles every limit into the browser (a test checks they agree).
 */
export const MAX_BATCH_EVENTS = 500;

/** An event as it leaves the client: what `redact` receives and returns. */
export type OutgoingEvent = Record<string, unknown>;

type Omitted = "type" | "id" | "timestamp";
/** What `log()` takes: a log event without `type`; `id` and `timestamp` are made when absent. */
export type LogInput = Omit<LogEventInput, Omitted> & { id?: string; timestamp?: string };
/** What `feedback()` takes. */
export type FeedbackInput = Omit<FeedbackEventInput, Omitted> & { id?: string; timestamp?: string };
/** What `exposure()` takes. */
export type ExposureInput = Omit<ExposureEventInput, Omitted> & { id?: string; timestamp?: string };

/** Why an event was not delivered. */
export interface DeliveryError {
  /** `INVALID_EVENT` (rejected by the server, never retried), `GAVE_UP` after the last retry, or the server's code. */
  code: string;
  message: string;
  eventIds: string[];
  /** For rejected events: the field paths and reasons. */
  details?: EventResult[];
}

/** Options of {@link createLoopkit}. */
export interface LoopkitOptions {
  /** The server's address, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** A public key (browsers) or a secret key (servers). */
  apiKey: string;
  /** Send when this many events wait (default 50). */
  flushAt?: number;
  /** Send waiting events at least this often (default 1000 ms). */
  flushIntervalMs?: number;
  /** Events kept while the server is away; past it the oldest are dropped (default 10,000). */
  maxQueueSize?: number;
  /** Bytes of one request body (default 1 MB). */
  maxBatchBytes?: number;
  /** Attempts per batch before its events are given up (default 8). */
  maxAttempts?: number;
  /** The fetch to use (default: the global one). */
  fetch?: FetchLike;
  /** Called for events that will not be delivered. */
  onError?: (error: DeliveryError) => void;
  /** Called when the queue is full and the oldest event is dropped. */
  onDrop?: (eventId: string) => void;
  /**
   * The share of conversations to log, 0–1 (default 1). Decided by `conversationId` (or the
   * event id when there is none) with core's deterministic `shouldSample`, so a conversation is
   * kept or skipped whole. Feedback and exposures are never sampled out.
   */
  sampleRate?: number;
  /**
   * Redacts each event before it leaves the client, e.g. `redact` from `@loopkit/sdk/redact`.
   * Runs when a batch is built, off the caller's path. Opt-in by import to keep the default
   * bundle small; the server redacts by project policy either way.
   */
  redact?: (event: OutgoingEvent) => OutgoingEvent;
  /**
   * Flush when the page is hidden or unloaded (`sendBeacon` with a public key, else a keepalive
   * fetch) and on Node's `beforeExit` (default true).
   */
  flushOnExit?: boolean;
  /** Node: also flush on SIGTERM and SIGINT, then end the process as the signal would have (default false). */
  handleSignals?: boolean;
  /** How long a signal waits for the final flush (default 5000 ms). */
  exitTimeoutMs?: number;
}

/** Counters of what the client did. */
export interface LoopkitStats {
  queued: number;
  delivered: number;
  duplicates: number;
  rejected: number;
  dropped: number;
  failed: number;
  retries: number;
  /** Log events skipped by `sampleRate`. */
  sampledOut: number;
  /**
   * Events handed to `navigator.sendBeacon` when the page was hidden: the browser delivers them
   * after the page is gone and no answer comes back, so they are not counted as delivered.
   */
  beaconed: number;
}

interface Queued {
  id: string;
  event: OutgoingEvent;
  /** The event redacted, serialized and UTF-8 encoded, made once when it is first batched. */
  json?: Uint8Array<ArrayBuffer>;
  /** Settled (delivered, rejected or failed) by any path; skipped from then on. */
  done?: boolean;
}

/** The serialized events of a batch. */
function jsonOf(items: readonly Queued[]): Uint8Array[] {
  return items.map((item) => item.json!);
}

/**
 * The Loopkit client: `log`, `feedback`, `exposure` and the feedback helpers enqueue and return
 * the event id at once.
 */
export interface Loopkit extends FeedbackHelpers {
  log(event: LogInput): string;
  feedback(event: FeedbackInput): string;
  exposure(event: ExposureInput): string;
  /**
   * Runs `candidate` beside `primary` and resolves with the primary's result as soon as it is
   * there; the candidate's output (or error) is logged as a log event with `shadowOf` = the
   * primary's request id. See {@link ShadowOptions}.
   */
  shadow<T, C>(
    primary: (requestId: string) => Promise<T>,
    candidate: () => Promise<C>,
    options: ShadowOptions<C>,
  ): Promise<T>;
  /** Sends everything waiting; resolves when it is delivered or finally failed. */
  flush(): Promise<void>;
  /** Stops the timer and flushes; the client takes no more events after it. */
  shutdown(): Promise<void>;
  stats(): LoopkitStats;
  /**
   * Typed calls to any procedure with this client's server, key and fetch (see
   * `createApiClient`); `createExperiments` reads experiment configs through it.
   */
  readonly api: ApiClient;
}

/**
 * Creates a client. Nothing awaits the network on the caller's path: events go to a bounded
 * in-memory queue and are sent in batches by count, bytes and interval, one batch in flight at
 * a time so order is kept. Accepted and duplicate events are done; rejected ones go to
 * `onError` and are not retried; network errors, 408, 429 and 5xx are retried with backoff.
 */
export function createLoopkit(options: LoopkitOptions): Loopkit {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const flushAt = Math.min(options.flushAt ?? 50, MAX_BATCH_EVENTS);
  const maxBatchBytes = options.maxBatchBytes ?? 1024 * 1024;
  const maxAttempts = options.maxAttempts ?? 8;
  const sampleRate = options.sampleRate ?? 1;
  shouldSample("", sampleRate); // throws INVALID_CONFIG for a rate outside 0–1, at creation
  const hasFetch = options.fetch !== undefined || typeof fetch === "function";
  const publicKey = options.apiKey.startsWith("lk_pub_");
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const queue = new BoundedQueue<Queued>(options.maxQueueSize ?? 10_000);
  const counters: LoopkitStats = {
    queued: 0,
    delivered: 0,
    duplicates: 0,
    rejected: 0,
    dropped: 0,
    failed: 0,
    retries: 0,
    sampledOut: 0,
    beaconed: 0,
  };
  let sending: Promise<void> | null = null;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Keepalive requests started when the page was hidden, not yet answered. */
  let hiding: Promise<unknown> | null = null;

  function enqueue(type: string, input: { id?: string; timestamp?: string }): string {
    const id = input.id ?? newEventId();
    if (closed) {
      options.onError?.({ code: "CLOSED", message: "the client was shut down", eventIds: [id] });
      return id;
    }
    // Not `{ ...input, type, id, timestamp }`: V8 makes that about ten times as slow (4.4 µs
    // against 0.3 µs for a 1 KB log event, measured on Node 20), and this is the caller's path.
    // The three fields are assigned last so an input's own `type` cannot override the method's.
    const event: OutgoingEvent = Object.assign({ type }, input, {
      type,
      id,
      timestamp: input.timestamp ?? new Date().toISOString(),
    });
    const dropped = queue.push({ id, event });
    counters.queued++;
    // An event pushed out while its batch is in flight counts as dropped only, whatever the
    // answer; one already settled (beaconed) was not lost.
    if (dropped && !dropped.done) {
      dropped.done = true;
      counters.dropped++;
      options.onDrop?.(dropped.id);
    }
    if (queue.size >= flushAt) void flush();
    else schedule();
    return id;
  }

  function log(input: LogInput): string {
    if (sampleRate < 1) {
      const id = input.id ?? newEventId();
      if (!shouldSample(input.conversationId ?? id, sampleRate)) {
        counters.sampledOut++;
        return id;
      }
      return enqueue("log", { ...input, id });
    }
    return enqueue("log", input);
  }

  function schedule(): void {
    if (timer !== undefined || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, options.flushIntervalMs ?? 1000);
    (timer as { unref?: () => void }).unref?.();
  }

  /** Redacts and serializes an event once; an event that cannot be is reported and settled. */
  function serialize(item: Queued): boolean {
    try {
      item.json ??= utf8.encode(
        JSON.stringify(options.redact ? options.redact(item.event) : item.event),
      );
      return true;
    } catch (error) {
      item.done = true;
      counters.failed++;
      options.onError?.({
        code: "INVALID_EVENT",
        message: `event ${item.id} could not be redacted or serialized (${String(error)}); pass JSON-like data without cycles or BigInt`,
        eventIds: [item.id],
      });
      return false;
    }
  }

  /**
   * The events to send next from queue position `from` on, within `maxCount` events and
   * `maxBytes` of body (settled events are skipped), and `end`: the position after them.
   */
  function nextBatch(
    from: number,
    maxCount: number,
    maxBytes: number,
  ): { items: Queued[]; end: number } {
    const items: Queued[] = [];
    let bytes = 13; // {"events":[]}
    let i = from;
    for (; i < queue.size; i++) {
      const item = queue.at(i)!;
      if (item.done || !serialize(item)) continue;
      if (
        items.length >= maxCount ||
        (items.length > 0 && bytes + item.json!.length + 1 > maxBytes)
      ) {
        break;
      }
      items.push(item);
      bytes += item.json!.length + 1;
    }
    return { items, end: i };
  }

  function settle(batch: Queued[], results: EventResult[]): void {
    const rejected: EventResult[] = [];
    for (const result of results) {
      const item = batch[result.index];
      if (!item || item.done) continue;
      item.done = true;
      if (result.status === "accepted") counters.delivered++;
      else if (result.status === "duplicate") counters.duplicates++;
      else rejected.push(result);
    }
    counters.rejected += rejected.length;
    if (rejected.length > 0) {
      options.onError?.({
        code: "INVALID_EVENT",
        message: rejected
          .map(
            (r) =>
              `event ${r.id ?? r.index}: ${"errors" in r ? r.errors.map((e) => `${e.path}: ${e.message}`).join("; ") : ""}`,
          )
          .join(" | "),
        eventIds: rejected.map((r) => batch[r.index]!.id),
        details: rejected,
      });
    }
  }

  function giveUp(batch: Queued[], code: string, message: string): void {
    const open = batch.filter((item) => !item.done);
    for (const item of open) item.done = true;
    counters.failed += open.length;
    if (open.length > 0) options.onError?.({ code, message, eventIds: open.map((b) => b.id) });
  }

  async function sendAll(): Promise<void> {
    let attempt = 0;
    let limit = flushAt;
    // Settled events leave from the head, not a batch's count of them: the bound may have
    // pushed events of a batch out while it was in flight.
    for (;;) {
      while (queue.at(0)?.done) queue.shift();
      if (!queue.size) return;
      // Let the page-hide requests settle first, so their events are not sent twice.
      if (hiding) await hiding;
      const { items } = nextBatch(0, limit, maxBatchBytes);
      if (items.length === 0) continue;
      let results: EventResult[] | undefined;
      try {
        results = await sendBatch(fetchFn, baseUrl, options.apiKey, jsonOf(items));
      } catch (error) {
        const failure = error as LoopkitApiError;
        const retryable = isRetryable(failure);
        // Too large, or refused whole for what may be one event in it (a proxy, a server with
        // lower limits): halve the batch until the events that pass are sent.
        if ((failure.status === 413 || failure.status === 400) && items.length > 1) {
          limit = Math.ceil(items.length / 2);
          continue;
        }
        if (retryable && attempt + 1 < maxAttempts) {
          attempt++;
          counters.retries++;
          await new Promise((resolve) =>
            setTimeout(resolve, retryDelayMs(attempt, failure.retryAfterMs)),
          );
          continue;
        }
        giveUp(
          items,
          retryable ? "GAVE_UP" : failure.code,
          failure.status === 413 ? "one event is larger than the server accepts" : failure.message,
        );
      }
      if (results) {
        settle(items, results);
        limit = flushAt;
      }
      attempt = 0;
    }
  }

  function flush(): Promise<void> {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (!sending) {
      sending = sendAll().finally(() => {
        sending = null;
      });
    }
    // A flush that starts while a send is running must also cover events queued since.
    return sending.then(() => (queue.size > 0 ? flush() : undefined));
  }

  /**
   * The page is going away: start sending everything unsettled now, in requests of at most
   * 64 KiB each, without waiting for the batch in flight (its events may be sent twice; the
   * server stores them once and answers `duplicate`). With a public key each request is a
   * beacon (the browser delivers it after the page is gone; the key rides in the URL, so never
   * a secret one); where the browser refuses one, or for a secret key, a keepalive fetch.
   * Events whose fetch fails stay queued for the next flush, should the page live on.
   */
  function sendOnHide(): void {
    const requests: Promise<unknown>[] = hiding ? [hiding] : [];
    const send = (items: Queued[]) => {
      const bodies = jsonOf(items);
      if (publicKey && sendBeacon(baseUrl, options.apiKey, bodies)) {
        for (const item of items) item.done = true;
        counters.beaconed += items.length;
      } else if (hasFetch) {
        requests.push(
          sendBatch(fetchFn, baseUrl, options.apiKey, bodies, true).then(
            (results) => settle(items, results),
            () => {},
          ),
        );
      }
    };
    for (let i = 0; i < queue.size; ) {
      const { items, end } = nextBatch(i, MAX_BATCH_EVENTS, KEEPALIVE_BYTES);
      if (items.length > 0) send(items);
      i = end;
    }
    if (requests.length > 0) {
      const all: Promise<unknown> = Promise.allSettled(requests).finally(() => {
        if (hiding === all) hiding = null;
      });
      hiding = all;
    }
  }

  const detachLifecycle =
    options.flushOnExit === false
      ? () => {}
      : attachLifecycle(
          { onHide: sendOnHide, onExit: () => (queue.size > 0 ? flush() : Promise.resolve()) },
          {
            handleSignals: options.handleSignals ?? false,
            exitTimeoutMs: options.exitTimeoutMs ?? 5000,
          },
        );

  const feedback = (event: FeedbackInput) => enqueue("feedback", event);

  return {
    ...feedbackHelpers(feedback),
    log,
    feedback,
    exposure: (event) => enqueue("exposure", event),
    shadow: (primary, candidate, shadowOptions) =>
      runShadow(log, primary, candidate, shadowOptions),
    flush,
    async shutdown() {
      closed = true;
      detachLifecycle();
      await flush();
    },
    stats: () => ({ ...counters }),
    api: createApiClient({ baseUrl, apiKey: options.apiKey, fetch: fetchFn }),
  };
}

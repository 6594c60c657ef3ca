/**
 * Unit tests of what the client puts on the wire (sampling, redaction hook, serialization
 * failures, page-hide flushing, listeners), over `recordingFetch`; delivery to the real server
 * is tested in `test/`.
 */
import { LIMITS, shouldSample } from "@loopkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { recordingFetch } from "../test/recording-fetch.js";
import { MAX_BATCH_EVENTS } from "./client.js";
import { createLoopkit, type DeliveryError, type OutgoingEvent } from "./index.js";

const base = { baseUrl: "http://loopkit.test", apiKey: "lk_pub_test" };

describe("sampleRate", () => {
  it("keeps or skips whole conversations, as core's shouldSample decides, and never feedback", async () => {
    const { fetch, sent } = recordingFetch();
    const loopkit = createLoopkit({ ...base, fetch, sampleRate: 0.3 });
    const conversations = Array.from({ length: 200 }, (_, i) => `conversation-${i}`);
    for (const conversationId of conversations) {
      for (let turn = 0; turn < 3; turn++) {
        const id = loopkit.log({ conversationId, turnIndex: turn, output: "hi" });
        loopkit.thumbs(id, true);
      }
    }
    await loopkit.shutdown();
    const logged = sent.flatMap((s) => s.events).filter((e) => e.type === "log");
    const kept = conversations.filter((c) => shouldSample(c, 0.3));
    expect(new Set(logged.map((e) => e.conversationId))).toEqual(new Set(kept));
    expect(logged).toHaveLength(kept.length * 3);
    // Roughly 30% of 200 (the hash is uniform; 40–80 is about ±3 standard deviations).
    expect(kept.length).toBeGreaterThan(40);
    expect(kept.length).toBeLessThan(80);
    expect(sent.flatMap((s) => s.events).filter((e) => e.type === "feedback")).toHaveLength(600);
    expect(loopkit.stats().sampledOut).toBe((200 - kept.length) * 3);
  });

  it("rejects a rate outside 0–1 at creation with INVALID_CONFIG", () => {
    expect(() => createLoopkit({ ...base, sampleRate: 1.5 })).toThrowError(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
  });
});

describe("the events log() and feedback() send", () => {
  it("carry the method's type, the caller's id and timestamp when given, and new ones otherwise", async () => {
    const { fetch, sent } = recordingFetch();
    const loopkit = createLoopkit({ ...base, fetch });
    const given = {
      id: "0190a5d2-0000-7000-8000-000000000001",
      timestamp: "2026-01-01T00:00:00.000Z",
    };
    // A JavaScript caller is not held to LogInput: its own `type` must not reroute the event.
    const first = loopkit.log({ ...given, output: "a", type: "feedback" } as never);
    const second = loopkit.log({ output: "b" });
    loopkit.thumbs(second, true);
    await loopkit.shutdown();
    const events = sent.flatMap((s) => s.events);
    expect(events.map((e) => e.type)).toEqual(["log", "log", "feedback"]);
    expect(first).toBe(given.id);
    expect(events[0]).toMatchObject({ ...given, output: "a" });
    expect(events[1]!.id).toBe(second);
    expect(Date.parse(String(events[1]!.timestamp))).not.toBeNaN();
    expect(events[2]).toMatchObject({ requestId: second, name: "thumbs", value: true });
  });
});

describe("redact option", () => {
  it("runs on every event before it is sent, not on the caller's path", async () => {
    const { fetch, sent } = recordingFetch();
    let calls = 0;
    const loopkit = createLoopkit({
      ...base,
      fetch,
      redact: (event) => {
        calls++;
        return { ...event, output: String(event.output ?? "").replaceAll("secret", "[X]") };
      },
    });
    loopkit.log({ output: "my secret" });
    expect(calls).toBe(0);
    await loopkit.flush();
    expect(calls).toBe(1);
    expect(sent[0]!.events[0]!.output).toBe("my [X]");
    await loopkit.shutdown();
  });

  it("reports an event that cannot be serialized and delivers the others", async () => {
    const { fetch, sent } = recordingFetch();
    const errors: DeliveryError[] = [];
    const loopkit = createLoopkit({ ...base, fetch, onError: (e) => errors.push(e) });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    loopkit.log({ output: "before" });
    const bad = loopkit.log({ metadata: cyclic as never });
    loopkit.log({ output: "after" });
    await loopkit.shutdown();
    expect(sent.flatMap((s) => s.events.map((e) => e.output))).toEqual(["before", "after"]);
    expect(errors).toEqual([expect.objectContaining({ code: "INVALID_EVENT", eventIds: [bad] })]);
    expect(loopkit.stats()).toMatchObject({ delivered: 2, failed: 1 });
  });
});

describe("batching", () => {
  it("caps batches at core's LIMITS.maxBatchEvents (written out in the client to keep LIMITS out of the bundle)", () => {
    expect(MAX_BATCH_EVENTS).toBe(LIMITS.maxBatchEvents);
  });

  it("never puts more than the server's 500 events in one batch, whatever flushAt says", async () => {
    const { fetch, sent } = recordingFetch();
    const loopkit = createLoopkit({ ...base, fetch, flushAt: 5000, maxQueueSize: 5000 });
    for (let i = 0; i < 1200; i++) loopkit.log({ output: `#${i}` });
    await loopkit.shutdown();
    expect(sent.map((s) => s.events.length)).toEqual([500, 500, 200]);
    expect(sent.flatMap((s) => s.events.map((e) => e.output))).toEqual(
      Array.from({ length: 1200 }, (_, i) => `#${i}`),
    );
  });

  it("sends a batch again when its success answer is cut off mid-body (no events lost)", async () => {
    const { fetch: record, sent } = recordingFetch();
    let calls = 0;
    const errors: DeliveryError[] = [];
    const loopkit = createLoopkit({
      ...base,
      // The first answer: 200 and the start of a body, then the connection breaks (a server
      // killed after its commit); the resent batch is recorded.
      fetch: async (url, init) => {
        if (calls++ > 0) return record(url, init);
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"result":{"da'));
            controller.error(new TypeError("terminated"));
          },
        });
        return new Response(body, { status: 200 });
      },
      onError: (error) => errors.push(error),
    });
    const ids = [loopkit.log({ output: "a" }), loopkit.log({ output: "b" })];
    await loopkit.shutdown();
    expect(errors).toEqual([]);
    expect(loopkit.stats()).toMatchObject({ delivered: 2, retries: 1, failed: 0, rejected: 0 });
    expect(sent.flatMap((s) => s.events.map((e) => e.id))).toEqual(ids);
  });

  it("counts maxBatchBytes in UTF-8 bytes", async () => {
    const { fetch, sent } = recordingFetch();
    const loopkit = createLoopkit({ ...base, fetch, maxBatchBytes: 4000, flushAt: 100 });
    // 500 characters of "é" are 1000 bytes in UTF-8.
    // 250 of "😀" (a surrogate pair each) are 1000 bytes too.
    const outputs = Array.from({ length: 12 }, (_, i) =>
      i % 2 ? "é".repeat(500) : "😀".repeat(250),
    );
    for (const output of outputs) loopkit.log({ output });
    await loopkit.shutdown();
    for (const s of sent) expect(s.bytes).toBeLessThanOrEqual(4000);
    expect(sent.length).toBeGreaterThan(3); // about 1,100 bytes per event: 3 per batch
    expect(sent.flatMap((s) => s.events.map((e) => e.output))).toEqual(outputs);
  });
});

describe("page lifecycle (browser globals on an EventTarget)", () => {
  const g = globalThis as Record<string, unknown>;
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  /** `beacon`: what `navigator.sendBeacon` does ("absent": there is none). */
  function fakePage(options: { fetch?: boolean; beacon?: "accept" | "refuse" | "absent" } = {}) {
    const window = new EventTarget();
    const document = Object.assign(new EventTarget(), { visibilityState: "visible" });
    // Listeners currently added, on the window and the document together.
    const listeners = { count: 0 };
    for (const target of [window, document]) {
      const add = target.addEventListener.bind(target);
      const remove = target.removeEventListener.bind(target);
      target.addEventListener = (...args: Parameters<EventTarget["addEventListener"]>) => {
        listeners.count++;
        add(...args);
      };
      target.removeEventListener = (...args: Parameters<EventTarget["removeEventListener"]>) => {
        listeners.count--;
        remove(...args);
      };
    }
    const beacons: Array<{ url: string; body: Blob }> = [];
    const saved = {
      addEventListener: g.addEventListener,
      removeEventListener: g.removeEventListener,
      document: g.document,
      fetch: g.fetch,
      navigator: Object.getOwnPropertyDescriptor(globalThis, "navigator"),
    };
    g.addEventListener = window.addEventListener.bind(window);
    g.removeEventListener = window.removeEventListener.bind(window);
    g.document = document;
    const beacon = options.beacon ?? "accept";
    Object.defineProperty(globalThis, "navigator", {
      configurable: true,
      value:
        beacon === "absent"
          ? {}
          : {
              sendBeacon: (url: string, body: Blob) => {
                if (beacon === "refuse") return false;
                beacons.push({ url, body });
                return true;
              },
            },
    });
    if (options.fetch === false) g.fetch = undefined;
    restore = () => {
      g.addEventListener = saved.addEventListener;
      g.removeEventListener = saved.removeEventListener;
      g.document = saved.document;
      g.fetch = saved.fetch;
      if (saved.navigator) Object.defineProperty(globalThis, "navigator", saved.navigator);
    };
    const hide = () => {
      document.visibilityState = "hidden";
      document.dispatchEvent(new Event("visibilitychange"));
    };
    return { window, document, beacons, hide, listeners };
  }

  it("without sendBeacon, sends everything on visibilitychange to hidden in keepalive requests of at most 64 KiB", async () => {
    const page = fakePage({ beacon: "absent" });
    const { fetch, sent } = recordingFetch();
    const loopkit = createLoopkit({ ...base, fetch, flushAt: 1000, flushIntervalMs: 60_000 });
    for (let i = 0; i < 100; i++) loopkit.log({ output: "x".repeat(2000) });
    page.hide();
    // The requests start synchronously inside the event handler, before the page is frozen.
    expect(sent.length).toBeGreaterThanOrEqual(4);
    for (const s of sent) {
      expect(s.init.keepalive).toBe(true);
      expect(s.bytes).toBeLessThanOrEqual(64 * 1024);
    }
    expect(sent.reduce((n, s) => n + s.events.length, 0)).toBe(100);
    await loopkit.shutdown();
    // Settled by the keepalive answers: nothing is sent again.
    expect(sent.reduce((n, s) => n + s.events.length, 0)).toBe(100);
    expect(loopkit.stats()).toMatchObject({ delivered: 100, duplicates: 0 });
  });

  it("sends on pagehide too, and stops listening after shutdown", async () => {
    const page = fakePage({ beacon: "absent" });
    const { fetch, sent } = recordingFetch();
    const loopkit = createLoopkit({ ...base, fetch, flushIntervalMs: 60_000 });
    expect(page.listeners.count).toBe(2);
    loopkit.log({ output: "a" });
    page.window.dispatchEvent(new Event("pagehide"));
    expect(sent).toHaveLength(1);
    await loopkit.shutdown();
    expect(page.listeners.count).toBe(0);
    const after = createLoopkit({ ...base, fetch, flushOnExit: false });
    after.log({ output: "b" });
    page.window.dispatchEvent(new Event("pagehide"));
    page.hide();
    expect(sent).toHaveLength(1);
    await after.shutdown();
  });

  /** The events of every beacon, in order. */
  async function beaconEvents(beacons: Array<{ body: Blob }>): Promise<OutgoingEvent[]> {
    const bodies = await Promise.all(beacons.map((b) => b.body.text()));
    return bodies.flatMap((body) => (JSON.parse(body) as { events: OutgoingEvent[] }).events);
  }

  it("with a public key, hands everything to sendBeacon in text/plain bodies of at most 64 KiB, the key in the query", async () => {
    const page = fakePage();
    const { fetch, sent } = recordingFetch();
    const loopkit = createLoopkit({ ...base, fetch, flushAt: 1000, flushIntervalMs: 60_000 });
    const ids = Array.from({ length: 100 }, () => loopkit.log({ output: "x".repeat(2000) }));
    page.hide();
    expect(page.beacons.length).toBeGreaterThanOrEqual(4); // ≈ 210 kB
    for (const beacon of page.beacons) {
      expect(beacon.url).toBe("http://loopkit.test/trpc/ingest.batch?key=lk_pub_test");
      expect(beacon.body.type).toBe("text/plain");
      expect(beacon.body.size).toBeLessThanOrEqual(64 * 1024);
    }
    expect((await beaconEvents(page.beacons)).map((e) => e.id)).toEqual(ids);
    await loopkit.shutdown();
    // Handed over once: neither sent again by fetch nor counted as delivered (no answer comes).
    expect(sent).toHaveLength(0);
    expect(loopkit.stats()).toMatchObject({ beaconed: 100, delivered: 0, failed: 0 });
  });

  it("falls back to a keepalive fetch for what the browser refuses to beacon", async () => {
    const page = fakePage({ beacon: "refuse" });
    const { fetch, sent } = recordingFetch();
    const loopkit = createLoopkit({ ...base, fetch, flushIntervalMs: 60_000 });
    loopkit.log({ output: "refused" });
    page.hide();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.init.keepalive).toBe(true);
    await loopkit.shutdown();
    expect(loopkit.stats()).toMatchObject({ beaconed: 0, delivered: 1 });
  });

  it("never puts a secret key in a beacon's URL: a secret-key client uses a keepalive fetch", async () => {
    const page = fakePage();
    const { fetch, sent } = recordingFetch();
    const loopkit = createLoopkit({
      ...base,
      apiKey: "lk_sec_test",
      fetch,
      flushIntervalMs: 60_000,
    });
    loopkit.log({ output: "server side" });
    page.hide();
    expect(page.beacons).toHaveLength(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.init.headers).toMatchObject({ authorization: "Bearer lk_sec_test" });
    await loopkit.shutdown();
  });

  it("uses sendBeacon where there is no fetch at all", async () => {
    const page = fakePage({ fetch: false });
    const loopkit = createLoopkit({ ...base, flushIntervalMs: 60_000 });
    loopkit.log({ output: "bye" });
    page.hide();
    expect((await beaconEvents(page.beacons)).map((e) => e.output)).toEqual(["bye"]);
    await loopkit.shutdown();
    expect(loopkit.stats().beaconed).toBe(1);
  });
});

describe("Node lifecycle listeners", () => {
  it("adds beforeExit (and signal listeners when asked) and removes them all on shutdown", async () => {
    const count = () =>
      ["beforeExit", "SIGTERM", "SIGINT"].map((event) => process.listenerCount(event));
    const before = count();
    const { fetch } = recordingFetch();
    const loopkit = createLoopkit({ ...base, fetch, handleSignals: true });
    expect(count()).toEqual(before.map((n) => n + 1));
    await loopkit.shutdown();
    expect(count()).toEqual(before);
  });
});

describe("the queue bound while a batch is in flight", () => {
  it("drops the oldest without losing an unsent event, and the counters add up", async () => {
    const { fetch: record, sent } = recordingFetch();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const dropped: string[] = [];
    const loopkit = createLoopkit({
      ...base,
      fetch: async (url, init) => {
        await held;
        return record(url, init);
      },
      flushAt: 2,
      maxQueueSize: 3,
      flushIntervalMs: 60_000,
      onDrop: (id) => dropped.push(id),
    });
    const [a, b] = [loopkit.log({ output: "a" }), loopkit.log({ output: "b" })]; // in flight
    const [c, d] = [loopkit.log({ output: "c" }), loopkit.log({ output: "d" })]; // d pushes out a
    release();
    await loopkit.shutdown();
    expect(dropped).toEqual([a]);
    const ids = sent.flatMap((s) => s.events.map((e) => e.id));
    expect(ids).toEqual(expect.arrayContaining([b, c, d]));
    const s = loopkit.stats();
    // Every queued event is accounted for exactly once (the queue is empty after shutdown).
    expect(s.delivered + s.duplicates + s.rejected + s.failed + s.dropped + s.beaconed).toBe(
      s.queued,
    );
  });
});

describe("an error answer for a whole batch", () => {
  it("on 400 (a proxy refusing one event), splits the batch so only the refused event fails", async () => {
    const { fetch: record, sent } = recordingFetch();
    const errors: DeliveryError[] = [];
    const loopkit = createLoopkit({
      ...base,
      // tRPC's error shape for a BAD_REQUEST, for any batch holding the event the proxy refuses.
      fetch: async (url, init) => {
        if (!new TextDecoder().decode(init.body as Uint8Array).includes('"bad"')) {
          return record(url, init);
        }
        const error = { message: "refused", data: { loopkitCode: "BAD_REQUEST" } };
        return new Response(JSON.stringify({ error }), { status: 400 });
      },
      flushAt: 8,
      onError: (error) => errors.push(error),
    });
    const outputs = ["a", "b", "c", "bad", "d", "e", "f", "g"];
    const ids = outputs.map((output) => loopkit.log({ output }));
    await loopkit.shutdown();
    expect(sent.flatMap((s) => s.events.map((e) => e.output))).toEqual(
      outputs.filter((o) => o !== "bad"),
    );
    expect(errors.map((e) => [e.code, e.eventIds])).toEqual([["BAD_REQUEST", [ids[3]]]]);
    expect(loopkit.stats()).toMatchObject({ delivered: 7, failed: 1 });
  });
});

/**
 * Page-hide flushing against the real server (PGlite): browser globals are an EventTarget
 * window and document; requests go through Node's real fetch. Everything queued is sent at once
 * in keepalive-sized requests when the page is hidden, stored once, and not sent again; with
 * `navigator.sendBeacon` (here posting as a browser's beacon does: the Blob as the body, its
 * type as the content type, no other header), as beacons with the public key in the URL.
 */
import { startTestServer, type TestServer } from "@loopkit/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLoopkit } from "../src/index.js";
import type { FetchLike } from "../src/transport.js";

describe("page hide against a real server", () => {
  let server: TestServer;
  const g = globalThis as Record<string, unknown>;
  const saved = {
    add: g.addEventListener,
    remove: g.removeEventListener,
    document: g.document,
    navigator: Object.getOwnPropertyDescriptor(globalThis, "navigator"),
  };
  beforeAll(async () => {
    server = await startTestServer("pglite");
  });
  afterAll(async () => {
    g.addEventListener = saved.add;
    g.removeEventListener = saved.remove;
    g.document = saved.document;
    if (saved.navigator) Object.defineProperty(globalThis, "navigator", saved.navigator);
    else delete g.navigator;
    await server?.close();
  });

  it("sends 300 events of 1 KB in keepalive requests of ≤ 64 KiB, each stored once", async () => {
    const window = new EventTarget();
    const document = Object.assign(new EventTarget(), { visibilityState: "visible" });
    g.addEventListener = window.addEventListener.bind(window);
    g.removeEventListener = window.removeEventListener.bind(window);
    g.document = document;

    const bodies: Array<{ bytes: number; keepalive: boolean }> = [];
    const realFetch: FetchLike = (url, init) => {
      bodies.push({
        bytes: (init.body as Uint8Array).length, // a batch is sent as UTF-8 bytes
        keepalive: init.keepalive === true,
      });
      return fetch(url, init);
    };
    const loopkit = createLoopkit({
      baseUrl: server.url,
      apiKey: server.a.publicKey,
      fetch: realFetch,
      flushAt: 500,
      flushIntervalMs: 60_000,
    });
    const ids = Array.from({ length: 300 }, (_, i) =>
      loopkit.log({ promptName: "page-hide", output: `${i} ${"y".repeat(1000)}` }),
    );
    document.visibilityState = "hidden";
    document.dispatchEvent(new Event("visibilitychange"));
    const atHide = bodies.length;
    expect(atHide).toBeGreaterThanOrEqual(5); // ≈ 320 kB in ≤ 64 KiB requests
    await loopkit.shutdown();
    expect(bodies).toHaveLength(atHide); // nothing sent twice
    for (const body of bodies) {
      expect(body.keepalive).toBe(true);
      expect(body.bytes).toBeLessThanOrEqual(64 * 1024);
    }
    expect(loopkit.stats()).toMatchObject({ delivered: 300, duplicates: 0, failed: 0 });
    const rows = await server.db.query<{ id: string }>(
      "SELECT id FROM requests WHERE project_id = $1 AND prompt_name = 'page-hide'",
      [server.a.id],
    );
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
  });

  it("hands 300 events of 1 KB to sendBeacon with the public key in the URL; the server stores each once", async () => {
    const window = new EventTarget();
    const document = Object.assign(new EventTarget(), { visibilityState: "visible" });
    g.addEventListener = window.addEventListener.bind(window);
    g.removeEventListener = window.removeEventListener.bind(window);
    g.document = document;
    const beacons: Array<Promise<{ status: number; body: unknown }>> = [];
    Object.defineProperty(globalThis, "navigator", {
      configurable: true,
      value: {
        sendBeacon(url: string, data: Blob): boolean {
          if (data.size > 64 * 1024) return false; // the browser's keepalive quota
          beacons.push(
            fetch(url, { method: "POST", body: data, keepalive: true }).then(async (r) => ({
              status: r.status,
              body: await r.json(),
            })),
          );
          return true;
        },
      },
    });
    const fetched: string[] = [];
    const loopkit = createLoopkit({
      baseUrl: server.url,
      apiKey: server.a.publicKey,
      fetch: (url, init) => {
        fetched.push(url);
        return fetch(url, init);
      },
      flushAt: 500,
      flushIntervalMs: 60_000,
    });
    const ids = Array.from({ length: 300 }, (_, i) =>
      loopkit.log({ promptName: "beacon", output: `${i} ${"b".repeat(1000)}` }),
    );
    document.visibilityState = "hidden";
    document.dispatchEvent(new Event("visibilitychange"));
    expect(beacons.length).toBeGreaterThanOrEqual(5); // ≈ 320 kB in ≤ 64 KiB beacons
    const answers = await Promise.all(beacons);
    for (const answer of answers) expect(answer.status).toBe(200);
    await loopkit.shutdown();
    expect(fetched).toEqual([]); // nothing sent again by fetch
    expect(loopkit.stats()).toMatchObject({ beaconed: 300, delivered: 0, failed: 0 });
    const rows = await server.db.query<{ id: string }>(
      "SELECT id FROM requests WHERE project_id = $1 AND prompt_name = 'beacon'",
      [server.a.id],
    );
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
  });
});

/**
 * Per-key rate limits over HTTP on a real server: past its calls or events per second a key gets
 * 429 `RATE_LIMITED` with the Retry-After its bucket needs, nothing of the refused batch is
 * stored, another key is served as usual, and the refused batch goes through after the wait.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";
import { logEvent } from "./events.js";

describe("requests per second per key", () => {
  let server: TestServer;
  // 1 call/s with a burst of 3: rates far below what the server answers, so the test is not
  // a race against the machine's speed.
  beforeAll(async () => {
    server = await startTestServer("pglite", {
      rateLimitRequestsPerSecond: 1,
      rateLimitEventsPerSecond: 0,
      rateLimitBurstSeconds: 3,
    });
  }, 120_000);
  afterAll(() => server?.close());

  it("lets a burst through, answers the rest 429 RATE_LIMITED + Retry-After, and serves another key", async () => {
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? server.mutate("ingest.batch", { events: [logEvent()] }, server.a.publicKey)
          : server.query("experiments.config", undefined, server.a.publicKey),
      ),
    );
    const elapsedSeconds = (performance.now() - started) / 1000;
    const served = answers.filter((a) => a.status === 200).length;
    // A token bucket lets through at most its burst plus what flowed in meanwhile.
    expect(served).toBeGreaterThanOrEqual(3);
    expect(served).toBeLessThanOrEqual(3 + Math.floor(elapsedSeconds));
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.length).toBe(10 - served);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(answer.body.error.data.loopkitCode).toBe("RATE_LIMITED");
      expect(answer.body.error.message).toMatch(/more than 1 requests per second/);
      expect(answer.headers.get("retry-after")).toBe("1");
    }
    // Another project's key, and the same project's other key, have buckets of their own.
    expect(
      (await server.mutate("ingest.batch", { events: [logEvent()] }, server.b.publicKey)).status,
    ).toBe(200);
    expect((await server.query("projects.current", undefined, server.a.secretKey)).status).toBe(
      200,
    );
  });
});

describe("events per second per key", () => {
  let server: TestServer;
  // 250 events/s with 2 s of burst: a bucket of 500 events.
  beforeAll(async () => {
    server = await startTestServer("pglite", {
      rateLimitRequestsPerSecond: 0,
      rateLimitEventsPerSecond: 250,
      rateLimitBurstSeconds: 2,
    });
  }, 120_000);
  afterAll(() => server?.close());

  const batch = (size: number) => Array.from({ length: size }, () => logEvent());

  it("refuses a batch that would overdraw the bucket, stores none of it, and takes it after Retry-After", async () => {
    const first = await server.mutate("ingest.batch", { events: batch(400) }, server.a.publicKey);
    expect(first.status).toBe(200);
    expect(first.body.result.data.accepted).toBe(400);

    const second = batch(400);
    const refused = await server.mutate("ingest.batch", { events: second }, server.a.publicKey);
    expect(refused.status).toBe(429);
    expect(refused.body.error.data.loopkitCode).toBe("RATE_LIMITED");
    expect(refused.body.error.message).toMatch(/more than 250 events per second/);
    // 400 asked, about 100 left: ~300 missing at 250/s → 2 s (1 s if the first call was slow).
    const wait = Number(refused.headers.get("retry-after"));
    expect([1, 2]).toContain(wait);
    const ids = second.map((e) => e.id);
    expect(await server.db.query("SELECT id FROM requests WHERE id = ANY($1)", [ids])).toEqual([]);

    // Project B's key is not slowed by A's.
    expect(
      (await server.mutate("ingest.batch", { events: batch(400) }, server.b.publicKey)).status,
    ).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    const retried = await server.mutate("ingest.batch", { events: second }, server.a.publicKey);
    expect(retried.status).toBe(200);
    expect(retried.body.result.data.accepted).toBe(400);
  });
});

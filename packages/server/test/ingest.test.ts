import { LIMITS } from "@loopkit/core";
import { testDrivers } from "@loopkit/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";
import { exposureEvent, feedbackEvent, logEvent } from "./events.js";

describe.each(await testDrivers())("ingest.batch on %s", (driver) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(driver);
  });
  afterAll(() => server?.close());

  it("accepts a mixed batch and answers per event in order", async () => {
    const log = logEvent();
    const events = [log, feedbackEvent(log.id), exposureEvent()];
    const { status, body } = await server.mutate("ingest.batch", { events }, server.a.publicKey);
    expect(status).toBe(200);
    expect(body.result.data).toMatchObject({ accepted: 3, duplicates: 0, rejected: 0 });
    expect(body.result.data.results.map((r: { id: string }) => r.id)).toEqual(
      events.map((e) => e.id),
    );
  });

  it("answers duplicate for a resent event, and stores it once", async () => {
    const log = logEvent({ promptVersion: "dup-check" });
    const first = await server.mutate("ingest.batch", { events: [log] }, server.a.secretKey);
    const again = await server.mutate("ingest.batch", { events: [log, log] }, server.a.secretKey);
    expect(first.body.result.data.results[0].status).toBe("accepted");
    expect(again.body.result.data.results.map((r: { status: string }) => r.status)).toEqual([
      "duplicate",
      "duplicate",
    ]);
    const rows = await server.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM requests WHERE id = $1",
      [log.id],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it("rejects a bad event with its field path and keeps its neighbours", async () => {
    const good = logEvent();
    const bad = logEvent({ latencyMs: "fast", timestamp: "yesterday" });
    const { body } = await server.mutate(
      "ingest.batch",
      { events: [good, bad, { type: "nope" }] },
      server.a.publicKey,
    );
    const [r0, r1, r2] = body.result.data.results;
    expect(r0.status).toBe("accepted");
    expect(r1).toMatchObject({ status: "rejected", code: "INVALID_EVENT", id: bad.id });
    expect(r1.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "latencyMs",
      "timestamp",
    ]);
    expect(r2.status).toBe("rejected");
    const stored = await server.db.query("SELECT id FROM requests WHERE id = $1", [good.id]);
    expect(stored).toHaveLength(1);
  });

  it("refuses a batch over the event limit, naming the limit", async () => {
    const events = Array.from({ length: LIMITS.maxBatchEvents + 1 }, () => ({}));
    const { status, body } = await server.mutate("ingest.batch", { events }, server.a.publicKey);
    expect(status).toBe(400);
    expect(body.error.message).toContain(String(LIMITS.maxBatchEvents));
  });

  it("refuses a body over the byte limit before parsing it", async () => {
    const huge = "x".repeat(6 * 1024 * 1024);
    const { status, body } = await server.mutate(
      "ingest.batch",
      { events: [logEvent({ output: huge })] },
      server.a.publicKey,
    );
    expect(status).toBe(413);
    expect(body.error.data.loopkitCode).toBe("PAYLOAD_TOO_LARGE");
  });

  it("stores no raw PII or user id when the project redacts (the default)", async () => {
    const log = logEvent({
      input: [
        { role: "user", content: "Mail me at jane.doe@example.com or call +44 20 7946 0958" },
      ],
      userId: "jane-raw-id",
    });
    await server.mutate("ingest.batch", { events: [log] }, server.a.publicKey);
    const [row] = await server.db.query<{ input: unknown; user_hash: string }>(
      "SELECT input, user_hash FROM requests WHERE id = $1",
      [log.id],
    );
    const text = JSON.stringify(row);
    expect(text).not.toContain("jane.doe@example.com");
    expect(text).not.toContain("7946");
    expect(text).not.toContain("jane-raw-id");
    expect(row!.user_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("computes cost from the model and usage when the client sends none", async () => {
    const log = logEvent({ model: "gpt-4o", usage: { inputTokens: 1000, outputTokens: 1000 } });
    await server.mutate("ingest.batch", { events: [log] }, server.a.publicKey);
    const [row] = await server.db.query<{ cost_micros: string | number | null }>(
      "SELECT cost_micros FROM requests WHERE id = $1",
      [log.id],
    );
    // gpt-4o list price: $2.50 per 1M input tokens, $10 per 1M output tokens → $0.0125.
    expect(Number(row!.cost_micros)).toBe(12_500);
  });
});

describe.each(await testDrivers())("overload on %s", (driver) => {
  let server: TestServer;
  beforeAll(async () => {
    // No room at all, so every batch meets a full gate (the gate's own test covers the counting).
    server = await startTestServer(driver, { maxInFlightBatches: 0 });
  });
  afterAll(() => server?.close());

  it("answers 429 with Retry-After and stores nothing", async () => {
    const log = logEvent();
    const { status, headers, body } = await server.mutate(
      "ingest.batch",
      { events: [log] },
      server.a.publicKey,
    );
    expect(status).toBe(429);
    expect(headers.get("retry-after")).toBe("1");
    expect(body.error.data.loopkitCode).toBe("OVERLOADED");
    expect(await server.db.query("SELECT id FROM requests WHERE id = $1", [log.id])).toHaveLength(
      0,
    );
  });
});

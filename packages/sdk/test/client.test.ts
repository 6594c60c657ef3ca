import { testDrivers } from "@loopkit/db/testing";
import { startTestServer, type TestServer } from "@loopkit/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, createLoopkit, type DeliveryError } from "../src/index.js";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.js";

async function count(server: TestServer, table: string, projectId: string): Promise<number> {
  const [row] = await server.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} WHERE project_id = $1`,
    [projectId],
  );
  return row!.n;
}

describe.each(await testDrivers())("SDK client against a real server on %s", (driver) => {
  let server: TestServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    server = await startTestServer(driver);
    proxy = await startFaultProxy(server.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it("delivers logs and every kind of feedback, and metrics see them", async () => {
    const loopkit = createLoopkit({ baseUrl: server.url, apiKey: server.b.publicKey, flushAt: 7 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = loopkit.log({
        promptName: "sdk",
        promptVersion: i % 2 ? "v2" : "v1",
        output: "hi",
      });
      ids.push(id);
      loopkit.thumbs(id, i % 2 === 1);
      loopkit.rating(id, 4);
      loopkit.comment(id, "fine");
      loopkit.outcome(id, i % 2 === 1);
      loopkit.copied(id);
      loopkit.regenerated(id);
      loopkit.edited(id, "hello world", "hello there");
      loopkit.abandoned(id);
    }
    await loopkit.shutdown();
    expect(loopkit.stats()).toMatchObject({ delivered: 180, rejected: 0, failed: 0, dropped: 0 });
    expect(await count(server, "requests", server.b.id)).toBe(20);
    expect(await count(server, "feedback", server.b.id)).toBe(160);
    const api = createApiClient({ baseUrl: server.url, apiKey: server.b.secretKey });
    const result = await api.query("metrics.compareVersions", { promptName: "sdk" });
    const v2 = result.versions.find((v) => v.version === "v2")!;
    expect(v2.requests).toBe(10);
    expect(v2.metrics.find((m) => m.metric === "taskSuccessRate")!.value).toBe(1);
  });

  it("retries 5xx, 429 with Retry-After and dropped connections, delivering each event once", async () => {
    const loopkit = createLoopkit({ baseUrl: proxy.url, apiKey: server.a.publicKey, flushAt: 10 });
    proxy.failNext(1, 503);
    proxy.failNext(1, 429, "0");
    proxy.dropNext(1);
    const ids = Array.from({ length: 30 }, (_, i) =>
      loopkit.log({ promptName: "retry", output: `#${i}` }),
    );
    await loopkit.shutdown();
    expect(loopkit.stats()).toMatchObject({ delivered: 30, failed: 0, retries: 3 });
    const rows = await server.db.query<{ id: string }>(
      "SELECT id FROM requests WHERE project_id = $1 AND prompt_name = 'retry'",
      [server.a.id],
    );
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
  });

  it("reports rejected events to onError without retrying them or blocking the rest", async () => {
    const errors: DeliveryError[] = [];
    const loopkit = createLoopkit({
      baseUrl: server.url,
      apiKey: server.a.publicKey,
      onError: (e) => errors.push(e),
    });
    loopkit.log({ promptName: "mixed", output: "good" });
    const bad = loopkit.log({ promptName: "mixed", latencyMs: -5 });
    loopkit.log({ promptName: "mixed", output: "also good" });
    await loopkit.shutdown();
    expect(loopkit.stats()).toMatchObject({ delivered: 2, rejected: 1, retries: 0 });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe("INVALID_EVENT");
    expect(errors[0]!.eventIds).toEqual([bad]);
    expect(errors[0]!.message).toContain("latencyMs");
  });

  it("gives up after maxAttempts and says so, dropping nothing silently", async () => {
    const errors: DeliveryError[] = [];
    const loopkit = createLoopkit({
      baseUrl: proxy.url,
      apiKey: server.a.publicKey,
      maxAttempts: 2,
      onError: (e) => errors.push(e),
    });
    proxy.failNext(2, 500);
    const id = loopkit.log({ promptName: "gives-up" });
    await loopkit.shutdown();
    expect(loopkit.stats()).toMatchObject({ delivered: 0, failed: 1 });
    expect(errors[0]).toMatchObject({ code: "GAVE_UP", eventIds: [id] });
  });

  it("bounds its queue: past maxQueueSize the oldest events are dropped and counted", async () => {
    const dropped: string[] = [];
    const loopkit = createLoopkit({
      baseUrl: server.url,
      apiKey: server.a.publicKey,
      maxQueueSize: 5,
      flushAt: 1000,
      onDrop: (id) => dropped.push(id),
    });
    const ids = Array.from({ length: 8 }, () => loopkit.log({ promptName: "bounded" }));
    expect(dropped).toEqual(ids.slice(0, 3));
    await loopkit.shutdown();
    expect(loopkit.stats()).toMatchObject({ delivered: 5, dropped: 3 });
  });

  it("fails at once on a bad key, with the server's code", async () => {
    const errors: DeliveryError[] = [];
    const loopkit = createLoopkit({
      baseUrl: server.url,
      apiKey: `lk_pub_${"z".repeat(43)}`,
      onError: (e) => errors.push(e),
    });
    loopkit.log({ promptName: "bad-key" });
    await loopkit.shutdown();
    expect(errors[0]!.code).toBe("UNAUTHORIZED");
    expect(loopkit.stats().retries).toBe(0);
  });
});

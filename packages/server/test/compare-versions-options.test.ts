/**
 * metrics.compareVersions exposes the library's options: baseline, metric subset, confidence
 * (which also sets the level of the latency percentile intervals) and sequential reading; with
 * user ids the intervals are per user, and the answer says so.
 */
import { testDrivers } from "@loopkit/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";
import { feedbackEvent, logEvent } from "./events.js";

describe.each(await testDrivers())("metrics.compareVersions options on %s", (driver) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(driver);
    // Two versions, 40 users each sending 3 requests, latencies 100…2050 ms.
    const events: unknown[] = [];
    for (const [version, wins] of [
      ["v1", 0.5],
      ["v2", 0.8],
    ] as const) {
      for (let i = 0; i < 120; i++) {
        const log = logEvent({
          promptName: "options",
          promptVersion: version,
          userId: `${version}-user-${i % 40}`,
          latencyMs: 100 + ((i * 37) % 40) * 50,
          costUsd: 0.001 + (i % 5) / 10_000,
        });
        events.push(log, feedbackEvent(log.id, { value: (i * 7919) % 100 < wins * 100 }));
      }
    }
    const { body } = await server.mutate("ingest.batch", { events }, server.a.secretKey);
    expect(body.result.data.accepted).toBe(480);
  });
  afterAll(() => server?.close());

  const compare = async (input: Record<string, unknown>) => {
    const { status, body } = await server.query(
      "metrics.compareVersions",
      input,
      server.a.secretKey,
    );
    expect(status).toBe(200);
    return body.result.data;
  };

  it("honours baseline, metrics, confidence and sequential", async () => {
    const result = await compare({
      promptName: "options",
      baseline: "v2",
      metrics: ["taskSuccessRate", "latencyP50Ms", "costPerSuccessMicros"],
      confidence: 0.9,
      sequential: { tuning: 1000 },
    });
    expect(result).toMatchObject({
      baseline: "v2",
      confidence: 0.9,
      sequential: true,
      unit: "user",
    });
    expect(result.versions.map((v: { units: number }) => v.units)).toEqual([40, 40]);
    const v1 = result.versions.find((v: { version: string }) => v.version === "v1");
    expect(v1.metrics.map((m: { metric: string }) => m.metric)).toEqual([
      "taskSuccessRate",
      "latencyP50Ms",
      "costPerSuccessMicros",
    ]);
    const byMetric = Object.fromEntries(v1.metrics.map((m: { metric: string }) => [m.metric, m]));
    expect(byMetric.taskSuccessRate.intervalMethod).toBe("delta_method");
    expect(byMetric.latencyP50Ms.intervalMethod).toBe("order_statistics");
    expect(byMetric.latencyP50Ms.interval.lower).toBeLessThanOrEqual(byMetric.latencyP50Ms.value);
    expect(byMetric.latencyP50Ms.interval.upper).toBeGreaterThanOrEqual(
      byMetric.latencyP50Ms.value,
    );
    expect(byMetric.costPerSuccessMicros.intervalMethod).toBe("delta_method");
    const tests = result.comparisons.map((c: { metric: string; test: string | null }) => [
      c.metric,
      c.test,
    ]);
    expect(tests).toEqual([
      ["taskSuccessRate", "delta_method_z_sequential"],
      ["latencyP50Ms", null],
      ["costPerSuccessMicros", "delta_method_z_sequential"],
    ]);
  });

  it("refuses an unknown metric, naming the field", async () => {
    const { status, body } = await server.query(
      "metrics.compareVersions",
      { metrics: ["taskSuccessRate", "happiness"] },
      server.a.secretKey,
    );
    expect(status).toBe(400);
    expect(body.error.data.issues[0].path).toBe("metrics.1");
  });
});

import { testDrivers } from "@loopkit/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";
import { feedbackEvent, logEvent } from "./events.js";

describe.each(await testDrivers())("requests, feedback and shadow on %s", (driver) => {
  let server: TestServer;
  let key: string;
  const logs = Array.from({ length: 5 }, (_, i) =>
    logEvent({
      timestamp: new Date(Date.UTC(2026, 10, 20, 12, i)).toISOString(),
      promptVersion: i % 2 === 0 ? "v1" : "v2",
      conversationId: "conv-1",
    }),
  );
  beforeAll(async () => {
    server = await startTestServer(driver);
    key = server.a.secretKey;
    await server.mutate(
      "ingest.batch",
      {
        events: [
          ...logs,
          feedbackEvent(logs[0]!.id, {
            kind: "explicit",
            name: "rating",
            value: 4,
            scale: { min: 1, max: 5 },
          }),
          feedbackEvent(logs[0]!.id, { value: true }),
          {
            ...feedbackEvent("", {}),
            requestId: undefined,
            conversationId: "conv-1",
            kind: "implicit",
            name: "abandoned",
            value: true,
          },
        ],
      },
      server.a.publicKey,
    );
  });
  afterAll(() => server?.close());

  it("pages through requests newest first with a cursor, each with its feedback", async () => {
    const first = await server.query("requests.list", { limit: 2 }, key);
    expect(first.status).toBe(200);
    const page1 = first.body.result.data;
    expect(page1.requests.map((r: { id: string }) => r.id)).toEqual([logs[4]!.id, logs[3]!.id]);
    const ids: string[] = page1.requests.map((r: { id: string }) => r.id);
    let cursor = page1.nextCursor;
    while (cursor) {
      const next = await server.query("requests.list", { limit: 2, cursor }, key);
      ids.push(...next.body.result.data.requests.map((r: { id: string }) => r.id));
      cursor = next.body.result.data.nextCursor;
    }
    expect(ids).toEqual(logs.map((l) => l.id).reverse());
    const v1 = await server.query("requests.list", { promptVersion: "v1", hasFeedback: true }, key);
    expect(v1.body.result.data.requests).toHaveLength(1);
    expect(v1.body.result.data.requests[0].feedback).toHaveLength(2);
    const bad = await server.query("requests.list", { cursor: "not-a-cursor" }, key);
    expect(bad.status).toBe(400);
    expect(bad.body.error.data.loopkitCode).toBe("INVALID_INPUT");
  });

  it("lists the feedback of a request, and of a conversation", async () => {
    const ofRequest = await server.query("feedback.list", { requestId: logs[0]!.id }, key);
    expect(ofRequest.status).toBe(200);
    expect(
      ofRequest.body.result.data
        .map((f: { name: string; value: unknown }) => [f.name, f.value])
        .sort(),
    ).toEqual([
      ["rating", 4],
      ["task_succeeded", true],
    ]);
    const ofConversation = await server.query("feedback.list", { conversationId: "conv-1" }, key);
    expect(ofConversation.body.result.data).toMatchObject([{ name: "abandoned", value: true }]);
    const neither = await server.query("feedback.list", {}, key);
    expect(neither.status).toBe(400);
    expect(neither.body.error.data.issues[0].path).toBe("requestId");
  });

  it("compares a candidate's shadow events with their primary requests", async () => {
    const primaries = [
      logEvent({ promptName: "faq", promptVersion: "v1", latencyMs: 400, costUsd: 0.001 }),
      logEvent({ promptName: "faq", promptVersion: "v1", latencyMs: 600, costUsd: 0.003 }),
      logEvent({
        promptName: "faq",
        promptVersion: "v1",
        latencyMs: 500,
        costUsd: 0.002,
        status: "error",
        errorMessage: "timeout",
      }),
    ];
    const shadows = [
      logEvent({
        promptName: "faq",
        promptVersion: "v2",
        latencyMs: 300,
        costUsd: 0.002,
        shadowOf: primaries[0]!.id,
      }),
      logEvent({
        promptName: "faq",
        promptVersion: "v2",
        latencyMs: 700,
        costUsd: 0.002,
        shadowOf: primaries[1]!.id,
        status: "error",
        errorMessage: "boom",
      }),
      logEvent({
        promptName: "faq",
        promptVersion: "v2",
        latencyMs: 500,
        costUsd: 0.004,
        shadowOf: primaries[2]!.id,
      }),
      // Its primary was never logged: counted, not paired.
      logEvent({ promptName: "faq", promptVersion: "v2", latencyMs: 100, shadowOf: logEvent().id }),
    ];
    const ingest = await server.mutate("ingest.batch", { events: [...primaries, ...shadows] }, key);
    expect(ingest.body.result.data.accepted).toBe(7);
    await server.db.query(
      `INSERT INTO shadow_results (project_id, shadow_request_id, production_request_id, prompt_name, candidate_version, winner)
       VALUES ($1, $2, $3, 'faq', 'v2', 'candidate'), ($1, $4, $5, 'faq', 'v2', 'tie')`,
      [server.a.id, shadows[0]!.id, primaries[0]!.id, shadows[1]!.id, primaries[1]!.id],
    );
    const { status, body } = await server.query("shadow.compare", { promptName: "faq" }, key);
    expect(status).toBe(200);
    const [v2] = body.result.data;
    // Hand-computed over the three pairs: latency (300−400 + 700−600 + 500−500)/3 = 0;
    // cost in micros (2000−1000 + 2000−3000 + 4000−2000)/3 = 2000/3; one error on each side.
    expect(v2).toMatchObject({
      promptName: "faq",
      candidateVersion: "v2",
      shadows: 4,
      paired: 3,
      candidateErrorRate: 1 / 3,
      primaryErrorRate: 1 / 3,
      candidateMeanLatencyMs: 500,
      primaryMeanLatencyMs: 500,
      meanLatencyDiffMs: 0,
      primaryMeanCostMicros: 2000,
    });
    expect(v2.candidateMeanCostMicros).toBeCloseTo(8000 / 3, 9);
    expect(v2.meanCostDiffMicros).toBeCloseTo(2000 / 3, 9);
    expect(v2.judge).toMatchObject({
      compared: 2,
      candidateWins: 1,
      ties: 1,
      candidateWinRate: 0.75,
    });
  });
});

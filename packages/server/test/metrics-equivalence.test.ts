/**
 * The database's `versionAggregates` (SQL) and metrics' `aggregateRecords` (JS) must mean the same
 * thing: requests and feedback sent through the real ingest endpoint are aggregated both ways
 * and compared field by field. db cannot import metrics, so the check lives here, where both meet.
 */
import { newEventId } from "@loopkit/core";
import { versionAggregates } from "@loopkit/db";
import { testDrivers } from "@loopkit/db/testing";
import { aggregateRecords, type RequestFeedback, type RequestRecord } from "@loopkit/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";

/** mulberry32: a small seeded PRNG, so the data set is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomRecords(count: number, random: () => number): RequestRecord[] {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, index) => {
    const feedback: RequestFeedback[] = [];
    const maybe = (p: number, item: () => RequestFeedback) => {
      if (random() < p) feedback.push(item());
    };
    maybe(0.6, () => ({ name: "task_succeeded", value: random() < 0.7 }));
    maybe(0.2, () => ({ name: "task_succeeded", value: random() < 0.5 })); // a later outcome wins
    maybe(0.4, () => ({ name: "rating", value: pick([1, 2, 3, 4, 5]) }));
    maybe(0.1, () => ({ name: "rating", value: pick([0, 5, 10]), scale: { min: 0, max: 10 } }));
    maybe(0.5, () => ({ name: "thumbs", value: random() < 0.6 }));
    maybe(0.3, () => ({ name: "copied" }));
    maybe(0.1, () => ({ name: "regenerated" }));
    maybe(0.1, () => ({ name: "edited", value: 0.25 }));
    maybe(0.05, () => ({ name: "abandoned" }));
    maybe(0.03, () => ({ name: "flagged", value: true }));
    maybe(0.03, () => ({ name: "flag.toxicity", value: true }));
    return {
      version: pick(["v1", "v2", "v3"]),
      // Most requests come from one of 60 users (several requests each); some carry no user id.
      userHash: random() < 0.8 ? `user-${Math.floor(random() * 60)}` : null,
      status: random() < 0.05 ? "error" : "ok",
      costMicros: random() < 0.9 ? Math.floor(random() * 5000) : null,
      latencyMs: random() < 0.95 ? Math.floor(100 + random() * 2000) : null,
      // Shadow runs point at an earlier production request, so the first one is never a shadow.
      shadow: index > 0 && random() < 0.05,
      feedback,
    };
  });
}

function toEvents(records: RequestRecord[]): unknown[] {
  const start = Date.now() - 3_600_000;
  let tick = 0;
  const at = () => new Date(start + tick++ * 10).toISOString();
  const primaries: string[] = [];
  return records.flatMap((record) => {
    const id = newEventId();
    const shadowOf = record.shadow ? primaries[0] : undefined;
    if (!record.shadow) primaries.push(id);
    const log = {
      type: "log",
      id,
      timestamp: at(),
      promptName: "equivalence",
      promptVersion: record.version,
      status: record.status,
      // The server stores the keyed hash of userId: one hash per user, as the records group.
      ...(record.userHash ? { userId: record.userHash } : {}),
      ...(record.costMicros != null ? { costUsd: record.costMicros / 1_000_000 } : {}),
      ...(record.latencyMs != null ? { latencyMs: record.latencyMs } : {}),
      ...(shadowOf ? { shadowOf } : {}),
    };
    const feedback = record.feedback.map((f) => {
      const kind =
        f.name === "task_succeeded"
          ? "outcome"
          : ["copied", "regenerated", "edited", "abandoned"].includes(f.name)
            ? "implicit"
            : "explicit";
      return {
        type: "feedback",
        id: newEventId(),
        timestamp: at(),
        requestId: id,
        kind,
        name: f.name,
        ...(f.name === "edited"
          ? { editRatio: f.value }
          : f.value !== undefined
            ? { value: f.value }
            : {}),
        ...(f.scale ? { scale: f.scale } : {}),
      };
    });
    return [log, ...feedback];
  });
}

describe.each(await testDrivers())(
  "versionAggregates (SQL) = aggregateRecords (JS) on %s",
  (driver) => {
    let server: TestServer;
    const records = randomRecords(400, prng(20261126));
    beforeAll(async () => {
      server = await startTestServer(driver);
      const events = toEvents(records);
      for (let i = 0; i < events.length; i += 500) {
        const { body } = await server.mutate(
          "ingest.batch",
          { events: events.slice(i, i + 500) },
          server.a.secretKey,
        );
        expect(body.result.data.rejected).toBe(0);
      }
    });
    afterAll(() => server?.close());

    it("gives the same aggregate for every version", async () => {
      const sql = await versionAggregates(server.db, server.a.id, { promptName: "equivalence" });
      const js = aggregateRecords(records);
      const byVersion = (list: typeof js) => Object.fromEntries(list.map((a) => [a.version, a]));
      expect(byVersion(sql)).toEqual(byVersion(js));
    });
  },
);

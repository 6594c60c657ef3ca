import { emptyVersionAggregate } from "@loopkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createProject,
  type Database,
  insertEvents,
  type StoredEvent,
  versionAggregates,
} from "./index.js";
import { feedbackEvent, logEvent } from "./test-events.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Expected values are worked out by hand from the events below and the definitions in
// VersionAggregate's doc comment (packages/core/src/aggregates.ts): latest feedback per name,
// ratings mapped to 1–5 by 1 + 4·(v − min)/(max − min), flags = `flagged` true or `flag.*`
// not false. Latency percentiles follow PostgreSQL's percentile_cont (linear interpolation,
// the same as numpy.percentile's default): for [100, 200, 300, 400], p50 = 250 and
// p95 = 300 + 0.85·100 = 385.

const at = (time: string) => `2025-05-${time}Z`;

function dataset() {
  const r1 = logEvent({
    timestamp: at("10T10:05:00.000"),
    promptName: "support",
    promptVersion: "v1",
    experimentKey: "exp1",
    variant: "a",
    latencyMs: 100,
    costMicros: 10,
    tags: ["beta", "eu"],
  });
  const r2 = logEvent({
    timestamp: at("10T10:40:00.000"),
    promptName: "support",
    promptVersion: "v1",
    experimentKey: "exp1",
    variant: "b",
    latencyMs: 200,
    costMicros: 20,
    status: "error",
    tags: ["beta"],
  });
  const r3 = logEvent({
    timestamp: at("10T11:15:00.000"),
    promptName: "support",
    promptVersion: "v1",
    experimentKey: "exp1",
    variant: "a",
    latencyMs: 300,
  });
  const r4 = logEvent({
    timestamp: at("11T09:00:00.000"),
    promptName: "support",
    promptVersion: "v1",
    latencyMs: 400,
    costMicros: 30,
  });
  const shadow = logEvent({
    timestamp: at("10T10:06:00.000"),
    promptName: "support",
    promptVersion: "v1",
    latencyMs: 9999,
    costMicros: 999,
    shadowOf: r1.id,
  });
  const r5 = logEvent({
    timestamp: at("10T12:00:00.000"),
    promptName: "support",
    promptVersion: "v2",
  });
  const r6 = logEvent({ timestamp: at("10T12:30:00.000"), promptName: "support", latencyMs: 50 });
  const r7 = logEvent({
    timestamp: at("10T12:45:00.000"),
    promptName: "search",
    promptVersion: "v1",
  });
  const later = (t: string, seconds: number) =>
    new Date(Date.parse(t) + seconds * 1000).toISOString();
  const fb = (
    request: { id: string; timestamp: string },
    seconds: number,
    f: Parameters<typeof feedbackEvent>[1],
  ) => feedbackEvent(request.id, { ...f, timestamp: later(request.timestamp, seconds) });
  const events: StoredEvent[] = [
    r1,
    r2,
    r3,
    r4,
    shadow,
    r5,
    r6,
    r7,
    fb(r1, 1, { name: "rating", kind: "explicit", value: 4 }),
    fb(r1, 2, { name: "rating", kind: "explicit", value: 2 }),
    fb(r1, 3, { name: "thumbs", kind: "explicit", value: true }),
    fb(r1, 4, { name: "task_succeeded", kind: "outcome", value: true }),
    fb(r2, 1, { name: "thumbs", kind: "explicit", value: false }),
    fb(r2, 2, { name: "copied", kind: "implicit" }),
    fb(r2, 3, { name: "flagged", kind: "explicit", value: true }),
    fb(r3, 1, { name: "rating", kind: "explicit", value: 8, scale: { min: 0, max: 10 } }),
    fb(r3, 2, { name: "copied", kind: "implicit", value: true }),
    fb(r3, 3, { name: "copied", kind: "implicit", value: false }),
    fb(r3, 4, { name: "flag.pii", kind: "explicit" }),
    fb(r3, 5, { name: "task_succeeded", kind: "outcome", value: false }),
    fb(r4, 1, { name: "task_succeeded", kind: "outcome", value: true }),
    fb(r4, 2, { name: "task_succeeded", kind: "outcome", value: false }),
    fb(r4, 3, { name: "regenerated", kind: "implicit", value: true }),
    fb(r4, 4, { name: "edited", kind: "implicit", editRatio: 0.3 }),
    fb(r4, 5, { name: "abandoned", kind: "implicit" }),
    fb(shadow, 1, { name: "thumbs", kind: "explicit", value: true }),
    fb(r5, 1, { name: "flagged", kind: "explicit", value: false }),
    fb(r5, 2, { name: "rating", kind: "explicit", value: 5 }),
    fb(r7, 1, { name: "thumbs", kind: "explicit", value: true }),
  ];
  return { events };
}

/** The counts of an aggregate, without its unit moments and latency intervals (tested below). */
function counts<T extends { unitMoments: unknown; latencyIntervals: unknown }>(row: T | undefined) {
  if (!row) return row;
  const { unitMoments: _moments, latencyIntervals: _intervals, ...rest } = row;
  return rest;
}

/** The counts of a version with no requests (core's definition), to spread the nonzero ones over. */
const empty = counts(emptyVersionAggregate(""));

describe.each(await testDrivers())("versionAggregates on %s", (driver) => {
  let db: Database;
  let project: string;
  let other: string;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    project = (await createProject(db, { name: "aggregates" })).id;
    other = (await createProject(db, { name: "other" })).id;
    await insertEvents(db, project, dataset().events);
    // Project isolation: the other project's copy of similar data must never be counted.
    await insertEvents(db, other, dataset().events);
    await insertEvents(db, other, [
      logEvent({ promptName: "support", promptVersion: "v1", status: "error", latencyMs: 1 }),
    ]);
  });
  afterAll(() => db.close());

  it("aggregates per prompt version exactly as VersionAggregate defines", async () => {
    const rows = await versionAggregates(db, project, { promptName: "support" });
    expect(rows.map(counts)).toEqual([
      { ...empty, version: "(none)", requests: 1, latencyP50: 50, latencyP95: 50 },
      {
        version: "v1",
        requests: 4,
        errors: 1,
        outcomes: 3,
        successes: 1,
        ratingCounts: { "2": 1, "4.2": 1 },
        thumbs: 2,
        thumbsUp: 1,
        copied: 1,
        regenerated: 1,
        edited: 1,
        abandoned: 1,
        flagged: 2,
        costed: 3,
        costMicrosSum: 60,
        costMicrosSumSquares: 1400,
        latencyP50: 250,
        latencyP95: 385,
      },
      { ...empty, version: "v2", requests: 1, ratingCounts: { "5": 1 } },
    ]);
  });

  it("counts all prompts without a promptName, and nothing of another project", async () => {
    const rows = await versionAggregates(db, project);
    const v1 = rows.find((r) => r.version === "v1");
    expect(v1?.requests).toBe(5);
    expect(v1?.thumbs).toBe(3);
    expect(v1?.errors).toBe(1);
    expect(await versionAggregates(db, "no-such-project")).toEqual([]);
  });

  it("filters by time and tags", async () => {
    const day = await versionAggregates(db, project, {
      promptName: "support",
      from: new Date(at("10T00:00:00.000")),
      to: new Date(at("11T00:00:00.000")),
    });
    expect(day.find((r) => r.version === "v1")).toMatchObject({ requests: 3, costMicrosSum: 30 });
    const tagged = await versionAggregates(db, project, { tags: ["beta", "eu"] });
    expect(tagged.map(counts)).toEqual([
      {
        ...empty,
        version: "v1",
        requests: 1,
        outcomes: 1,
        successes: 1,
        ratingCounts: { "2": 1 },
        thumbs: 1,
        thumbsUp: 1,
        costed: 1,
        costMicrosSum: 10,
        costMicrosSumSquares: 100,
        latencyP50: 100,
        latencyP95: 100,
      },
    ]);
  });

  it("groups by experiment variant", async () => {
    const rows = await versionAggregates(db, project, {
      experimentKey: "exp1",
      groupBy: "variant",
    });
    expect(rows.map((r) => [r.version, r.requests, r.errors, r.flagged])).toEqual([
      ["a", 2, 0, 1],
      ["b", 1, 1, 1],
    ]);
  });

  it("splits into UTC day and hour buckets", async () => {
    const days = await versionAggregates(db, project, { promptName: "support", bucket: "day" });
    expect(
      days.filter((r) => r.version === "v1").map((r) => [r.bucketStart.toISOString(), r.requests]),
    ).toEqual([
      ["2025-05-10T00:00:00.000Z", 3],
      ["2025-05-11T00:00:00.000Z", 1],
    ]);
    const hours = await versionAggregates(db, project, { promptName: "support", bucket: "hour" });
    expect(
      hours
        .filter((r) => r.version === "v1")
        .map((r) => [r.bucketStart.toISOString(), r.requests, r.ratingCounts]),
    ).toEqual([
      ["2025-05-10T10:00:00.000Z", 2, { "2": 1 }],
      ["2025-05-10T11:00:00.000Z", 1, { "4.2": 1 }],
      ["2025-05-11T09:00:00.000Z", 1, {}],
    ]);
  });

  it("keeps the latest feedback across batches, in any arrival order", async () => {
    const p = (await createProject(db, { name: "arrival-order" })).id;
    const request = logEvent({ timestamp: at("20T10:00:00.000"), promptVersion: "v7" });
    const fb = (seconds: number, f: Parameters<typeof feedbackEvent>[1]) =>
      feedbackEvent(request.id, {
        ...f,
        timestamp: new Date(Date.parse(request.timestamp) + seconds * 1000).toISOString(),
      });
    // Feedback before its request: not counted until the request is logged.
    await insertEvents(db, p, [fb(10, { name: "rating", kind: "explicit", value: 5 })]);
    expect(await versionAggregates(db, p)).toEqual([]);
    await insertEvents(db, p, [request]);
    // An older rating arriving later does not replace the newer one; a newer one does.
    await insertEvents(db, p, [
      fb(5, { name: "rating", kind: "explicit", value: 1 }),
      fb(6, { name: "flag.toxic", kind: "explicit", value: true }),
      fb(7, { name: "thumbs", kind: "explicit", value: false }),
    ]);
    await insertEvents(db, p, [
      fb(20, { name: "thumbs", kind: "explicit", value: true }),
      fb(21, { name: "flag.toxic", kind: "explicit", value: false }),
      fb(22, { name: "flag.pii", kind: "explicit" }),
    ]);
    let [row] = await versionAggregates(db, p);
    expect(row).toMatchObject({ requests: 1, ratingCounts: { "5": 1 }, thumbs: 1, thumbsUp: 1 });
    expect(row?.flagged).toBe(1); // flag.pii (no value) is raised; flag.toxic was lowered
    await insertEvents(db, p, [fb(30, { name: "flag.pii", kind: "explicit", value: false })]);
    [row] = await versionAggregates(db, p);
    expect(row?.flagged).toBe(0);
  });

  it("keeps request-level moments when no request has a user id", async () => {
    // v1's requests: costs 10, 20, –, 30; outcomes true, –, false, false; ratings 2, –, 4.2, –.
    const [, v1] = await versionAggregates(db, project, { promptName: "support" });
    expect(v1?.unitMoments).toMatchObject({ unit: "request", units: 4 });
    expect(v1?.unitMoments.products).toMatchObject({
      "requests*requests": 4,
      "errors*requests": 1,
      "costSum*costSum": 1400,
      "costSum*costed": 60,
      "costSum*successes": 10,
      "costSum*outcomes": 40,
      "costed*successes": 1,
      "costed*outcomes": 2,
      "successes*outcomes": 1,
      "rated*rated": 2,
      "ratingSum*rated": 6.2,
    });
    expect(v1?.unitMoments.products["ratingSum*ratingSum"]).toBeCloseTo(4 + 4.2 * 4.2, 12);
  });

  it("totals each user's requests for the unit moments, and bounds latency percentiles", async () => {
    const p = (await createProject(db, { name: "users" })).id;
    const log = (userHash: string | null, fields: Parameters<typeof logEvent>[0]) =>
      logEvent({ promptVersion: "v9", userHash, ...fields });
    const a1 = log("u1", { status: "error", costMicros: 10, latencyMs: 100 });
    const a2 = log("u1", { costMicros: 20, latencyMs: 200 });
    const a3 = log("u2", { costMicros: 5, latencyMs: 300 });
    const a4 = log(null, { costMicros: 7, latencyMs: 400 });
    await insertEvents(db, p, [
      a1,
      a2,
      a3,
      a4,
      feedbackEvent(a1.id, { name: "task_succeeded", kind: "outcome", value: true }),
      feedbackEvent(a2.id, { name: "task_succeeded", kind: "outcome", value: false }),
      feedbackEvent(a3.id, { name: "rating", kind: "explicit", value: 4 }),
      feedbackEvent(a4.id, { name: "task_succeeded", kind: "outcome", value: true }),
    ]);
    // Units: u1 (2 requests, 1 error, outcomes 2, successes 1, cost 30 over 2), u2 (1 request,
    // cost 5, rating 4) and the request without a user (cost 7, 1 success).
    const [row] = await versionAggregates(db, p, { confidence: 0.8 });
    expect(row?.unitMoments).toEqual({
      unit: "user",
      units: 3,
      products: {
        "requests*requests": 6,
        "errors*errors": 1,
        "errors*requests": 2,
        "copied*copied": 0,
        "copied*requests": 0,
        "regenerated*regenerated": 0,
        "regenerated*requests": 0,
        "edited*edited": 0,
        "edited*requests": 0,
        "abandoned*abandoned": 0,
        "abandoned*requests": 0,
        "flagged*flagged": 0,
        "flagged*requests": 0,
        "outcomes*outcomes": 5,
        "successes*successes": 2,
        "successes*outcomes": 3,
        "thumbs*thumbs": 0,
        "thumbsUp*thumbsUp": 0,
        "thumbsUp*thumbs": 0,
        "rated*rated": 1,
        "ratingSum*ratingSum": 16,
        "ratingSum*rated": 4,
        "costed*costed": 6,
        "costSum*costSum": 974,
        "costSum*costed": 72,
        "costSum*successes": 37,
        "costSum*outcomes": 67,
        "costed*successes": 3,
        "costed*outcomes": 5,
      },
    });
    // Latencies 100…400, n = 4. At 80% (α/2 = 0.1), B ~ Binomial(4, q): for the median
    // P(B ≤ 0) = 1/16 ≤ 0.1 < P(B ≤ 1) = 5/16 gives l = 1, and P(B ≤ 3) = 15/16 ≥ 0.9 gives
    // u = 4; for p95 P(B ≤ 2) = 0.0140 ≤ 0.1 < P(B ≤ 3) = 0.1855 gives l = 3, and only
    // P(B ≤ 4) = 1 reaches 0.9, so u = 5 > n: no upper bound.
    expect(row?.latencyIntervals).toEqual({
      confidence: 0.8,
      p50: { lower: 100, upper: 400 },
      p95: { lower: 300, upper: null },
    });
    // At 95% (α/2 = 0.025) P(B ≤ 0) = 1/16 bounds no median from below, and only p95's lower
    // bound stays (P(B ≤ 2) = 0.0140 ≤ 0.025).
    const [at95] = await versionAggregates(db, p);
    expect(at95?.latencyIntervals).toEqual({
      confidence: 0.95,
      p50: { lower: null, upper: null },
      p95: { lower: 300, upper: null },
    });
    await expect(versionAggregates(db, p, { confidence: 1 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });

  it("reads a whole prompt's per-user totals as kept, equal to grouping its requests", async () => {
    // The dataset with its requests spread over two users and requests without one.
    const p = (await createProject(db, { name: "kept user totals" })).id;
    const users = ["u1", "u2", null];
    await insertEvents(
      db,
      p,
      dataset().events.map((e, i) => (e.type === "log" ? { ...e, userHash: users[i % 3]! } : e)),
    );
    for (const promptName of ["support", "search"]) {
      const kept = await versionAggregates(db, p, { promptName });
      // A time range sends the call to the statement that groups the request rollups by user.
      expect(kept).toEqual(await versionAggregates(db, p, { promptName, from: new Date(0) }));
    }
    const [, v1] = await versionAggregates(db, p, { promptName: "support" });
    // v1's r1 (u1), r2 (u2), r3 (no user), r4 (u1): units u1, u2 and r3.
    expect(v1?.unitMoments).toMatchObject({ unit: "user", units: 3 });
  });

  it("refuses an unknown bucket with a code", async () => {
    await expect(versionAggregates(db, project, { bucket: "week" as "day" })).rejects.toMatchObject(
      { code: "INVALID_INPUT" },
    );
  });
});

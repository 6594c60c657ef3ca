import { newEventId } from "@loopkit/core";
import {
  createProject,
  type Database,
  insertEvents,
  NO_VERSION,
  type StoredEvent,
  type StoredFeedbackEvent,
  type StoredLogEvent,
  versionAggregates,
} from "@loopkit/db";
import { openTestDatabase, testDrivers } from "@loopkit/db/testing";
import { aggregateRecords, compareVersions, type VersionComparison } from "@loopkit/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertSameVerdicts,
  compareVersionsInJs,
  type FetchedFeedbackRow,
  fetchPromptRows,
  toRequestRecords,
} from "./metrics-in-js.js";

const NO_VALUE: Omit<FetchedFeedbackRow, "request_id" | "name"> = {
  value_number: null,
  value_bool: null,
  value_text: null,
  scale_min: null,
  scale_max: null,
};

describe("toRequestRecords", () => {
  it("gives each request its feedback in fetched order, a scale only with both bounds", () => {
    const request = {
      status: "ok" as const,
      cost: null,
      latency_ms: null,
      user_hash: null,
      shadow: false,
    };
    const records = toRequestRecords({
      requests: [
        { ...request, id: "a", prompt_version: "v1", cost: 120, latency_ms: 80, user_hash: "u" },
        { ...request, id: "b", prompt_version: null, status: "error", shadow: true },
      ],
      feedback: [
        {
          ...NO_VALUE,
          request_id: "a",
          name: "rating",
          value_number: 7,
          scale_min: 0,
          scale_max: 10,
        },
        { ...NO_VALUE, request_id: "z", name: "rating", value_number: 1 },
        { ...NO_VALUE, request_id: "b", name: "thumbs", value_bool: false },
        { ...NO_VALUE, request_id: "a", name: "rating", value_number: 2, scale_min: 0 },
        { ...NO_VALUE, request_id: "a", name: "comment", value_text: "ok" },
        { ...NO_VALUE, request_id: "b", name: "copied" },
      ],
    });
    // "z" is another prompt's request: its feedback is dropped.
    expect(records).toEqual([
      {
        version: "v1",
        status: "ok",
        costMicros: 120,
        latencyMs: 80,
        shadow: false,
        userHash: "u",
        feedback: [
          { name: "rating", value: 7, scale: { min: 0, max: 10 } },
          { name: "rating", value: 2 },
          { name: "comment", value: "ok" },
        ],
      },
      {
        version: NO_VERSION,
        status: "error",
        costMicros: null,
        latencyMs: null,
        shadow: true,
        userHash: null,
        feedback: [
          { name: "thumbs", value: false },
          { name: "copied", value: null },
        ],
      },
    ]);
  });
});

describe("assertSameVerdicts", () => {
  const comparison = (verdict: "better" | "worse", requests: number) =>
    ({
      baseline: "v1",
      versions: [
        { version: "v1", requests: 10 },
        { version: "v2", requests },
      ],
      comparisons: [{ version: "v2", metric: "thumbs_up_rate", verdict }],
    }) as unknown as VersionComparison;

  it("accepts the same verdicts in another order", () => {
    const reordered = comparison("better", 12);
    reordered.versions.reverse();
    expect(() => assertSameVerdicts(comparison("better", 12), reordered)).not.toThrow();
  });

  it("names a verdict or a request count that differs", () => {
    expect(() => assertSameVerdicts(comparison("better", 12), comparison("worse", 12))).toThrow(
      "SQL only: v2 thumbs_up_rate: better. JS only: v2 thumbs_up_rate: worse",
    );
    expect(() => assertSameVerdicts(comparison("better", 12), comparison("better", 13))).toThrow(
      "SQL only: v2: 12 requests. JS only: v2: 13 requests",
    );
  });
});

describe.each(await testDrivers())("the JS path on %s", (driver) => {
  let db: Database;
  let projectId: string;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    projectId = (await createProject(db, { name: "metrics-in-js" })).id;
    const start = Date.now() - 3_600_000;
    let tick = 0;
    const at = () => {
      const ms = start + tick++ * 1000;
      return { id: newEventId(ms), timestamp: new Date(ms).toISOString() };
    };
    const log = (
      promptVersion: string | undefined,
      more: Partial<StoredLogEvent> = {},
    ): StoredLogEvent => ({
      type: "log",
      ...at(),
      promptName: "p",
      ...(promptVersion ? { promptVersion } : {}),
      status: "ok",
      userHash: null,
      costMicros: null,
      tokensEstimated: false,
      ...more,
    });
    const feedback = (
      requestId: string,
      kind: StoredFeedbackEvent["kind"],
      name: string,
      more: Partial<StoredFeedbackEvent> = {},
    ): StoredFeedbackEvent => ({
      type: "feedback",
      ...at(),
      requestId,
      kind,
      name,
      source: "user",
      userHash: null,
      ...more,
    });
    const r1 = log("v1", { userHash: "u1", costMicros: 100, latencyMs: 200 });
    const r2 = log("v1", { userHash: "u1", status: "error" });
    const r3 = log("v2", { costMicros: 300, latencyMs: 500 });
    const r4 = log("v2", { userHash: "u2", latencyMs: 900 });
    const r5 = log(undefined);
    const shadow = log("v2", { shadowOf: r1.id });
    const otherPrompt = log("v1", { promptName: "q" });
    const events: StoredEvent[] = [r1, r2, r3, r4, r5, shadow, otherPrompt];
    events.push(
      feedback(r1.id, "explicit", "rating", { value: 4 }),
      feedback(r1.id, "explicit", "thumbs", { value: true }),
      feedback(r1.id, "explicit", "rating", { value: 2 }), // later: this one counts
      feedback(r2.id, "outcome", "task_succeeded", { value: false }),
      feedback(r2.id, "explicit", "flag.pii", { value: true }),
      feedback(r3.id, "explicit", "rating", { value: 7, scale: { min: 0, max: 10 } }),
      feedback(r3.id, "implicit", "copied"),
      feedback(r4.id, "explicit", "thumbs", { value: false }),
      feedback(r4.id, "explicit", "flagged", { value: false }),
      feedback(r4.id, "outcome", "task_succeeded", { value: true }),
      feedback(r5.id, "explicit", "rating", { value: 5 }),
      feedback(shadow.id, "explicit", "rating", { value: 1 }),
      feedback(otherPrompt.id, "explicit", "rating", { value: 1 }),
    );
    await insertEvents(db, projectId, events);
  });
  afterAll(() => db?.close());

  it("builds records whose aggregates are versionAggregates', version by version", async () => {
    const rows = await fetchPromptRows(db, projectId, "p");
    expect(rows.requests).toHaveLength(6); // the other prompt's request is not read
    const byVersion = <T extends { version: string }>(list: T[]) =>
      Object.fromEntries(list.map((a) => [a.version, a]));
    const inSql = await versionAggregates(db, projectId, { promptName: "p" });
    expect(byVersion(aggregateRecords(toRequestRecords(rows)))).toEqual(byVersion(inSql));
  });

  it("reaches compareVersions' verdicts over versionAggregates", async () => {
    const inSql = compareVersions(await versionAggregates(db, projectId, { promptName: "p" }));
    const inJs = await compareVersionsInJs(db, projectId, "p");
    expect(() => assertSameVerdicts(inSql, inJs.comparison)).not.toThrow();
    expect(inJs.comparison.versions.map((v) => v.version).sort()).toEqual([NO_VERSION, "v1", "v2"]);
    expect(inJs.requestRows).toBe(6);
  });
});

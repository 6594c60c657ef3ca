import { describe, expect, it } from "vitest";
import { aggregateRecords, type RequestRecord } from "./records.js";

const base = { version: "v1", status: "ok" as const };

describe("aggregateRecords", () => {
  it("counts each request once per signal, with its latest feedback", () => {
    const [aggregate] = aggregateRecords([
      {
        ...base,
        feedback: [
          { name: "rating", value: 2 },
          { name: "rating", value: 5 },
          { name: "thumbs", value: true },
          { name: "thumbs", value: false },
          { name: "task_succeeded", value: false },
          { name: "task_succeeded", value: true },
        ],
      },
    ]);
    expect(aggregate).toMatchObject({
      requests: 1,
      ratingCounts: { "5": 1 },
      thumbs: 1,
      thumbsUp: 0,
      outcomes: 1,
      successes: 1,
    });
  });

  it("normalises ratings on another scale to 1–5", () => {
    // 0–10 scale: 1 + 4·(7.5 − 0)/10 = 4; 1–3 scale: 1 + 4·(2 − 1)/2 = 3.
    const [aggregate] = aggregateRecords([
      { ...base, feedback: [{ name: "rating", value: 7.5, scale: { min: 0, max: 10 } }] },
      { ...base, feedback: [{ name: "rating", value: 2, scale: { min: 1, max: 3 } }] },
    ]);
    expect(aggregate?.ratingCounts).toEqual({ "4": 1, "3": 1 });
  });

  it("recognises safety flags and skips shadow runs", () => {
    const records: RequestRecord[] = [
      { ...base, feedback: [{ name: "flagged", value: true }] },
      { ...base, feedback: [{ name: "flag.toxicity" }] },
      { ...base, feedback: [{ name: "flagged", value: false }] },
      {
        ...base,
        feedback: [
          { name: "flag.pii", value: true },
          { name: "flag.pii", value: false },
        ],
      },
      { ...base, shadow: true, feedback: [{ name: "flagged", value: true }] },
    ];
    const [aggregate] = aggregateRecords(records);
    expect(aggregate?.requests).toBe(4);
    expect(aggregate?.flagged).toBe(2);
  });

  it("keeps unknown cost and latency out of the sums, and interpolates percentiles", () => {
    // Latencies 100, 200, 300, 400: PostgreSQL percentile_cont(0.5) = 250,
    // percentile_cont(0.95) = 300 + 0.85·100 = 385 (h = 3·0.95 = 2.85).
    const [aggregate] = aggregateRecords([
      { ...base, costMicros: 10, latencyMs: 300, feedback: [] },
      { ...base, costMicros: null, latencyMs: 100, feedback: [] },
      { ...base, costMicros: 30, latencyMs: 400, feedback: [] },
      { ...base, status: "error", latencyMs: 200, feedback: [] },
    ]);
    expect(aggregate).toMatchObject({
      requests: 4,
      errors: 1,
      costed: 2,
      costMicrosSum: 40,
      costMicrosSumSquares: 1000,
      latencyP50: 250,
    });
    expect(aggregate?.latencyP95).toBeCloseTo(385, 10);
  });

  it("has null latency percentiles without latencies, and keeps versions in first-seen order", () => {
    const result = aggregateRecords([
      { ...base, version: "b", feedback: [] },
      { ...base, version: "a", feedback: [] },
    ]);
    expect(result.map((a) => a.version)).toEqual(["b", "a"]);
    expect(result[0]?.latencyP50).toBeNull();
  });

  it("rejects a request without a version", () => {
    expect(() => aggregateRecords([{ ...base, version: "", feedback: [] }])).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
  });
});

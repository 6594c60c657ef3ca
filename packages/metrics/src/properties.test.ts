import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregate } from "../test/aggregate.js";
import { compareVersions } from "./compare-versions.js";
import { studentTCdf, studentTQuantile } from "./distributions/student-t.js";
import { benjaminiHochberg, holm } from "./multiple-testing.js";
import { wilsonInterval } from "./proportions.js";
import { aggregateRecords, type RequestRecord } from "./records.js";

// Properties that must hold for any input (fast-check); the reference values live in the other
// test files.

describe("properties", () => {
  it("the t quantile inverts the t CDF", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }),
        fc.double({ min: 0.5, max: 1e6, noNaN: true }),
        (p, df) => {
          const q = studentTQuantile(p, df);
          expect(Math.abs(studentTCdf(q, df) - p)).toBeLessThan(1e-9 * Math.max(1, p / 1e-3));
        },
      ),
    );
  });

  it("a Wilson interval lies in [0, 1] and contains the observed rate", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, share) => {
          const x = Math.floor(share * n);
          const interval = wilsonInterval(x, n)!;
          expect(interval.lower).toBeGreaterThanOrEqual(0);
          expect(interval.upper).toBeLessThanOrEqual(1);
          expect(interval.lower).toBeLessThanOrEqual(x / n + 1e-12);
          expect(interval.upper).toBeGreaterThanOrEqual(x / n - 1e-12);
        },
      ),
    );
  });

  it("Holm never adjusts below the raw p-value or BH, and stays ≤ 1", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }), (ps) => {
        const h = holm(ps);
        const bh = benjaminiHochberg(ps);
        ps.forEach((p, i) => {
          expect(h[i]!).toBeGreaterThanOrEqual(p);
          expect(h[i]!).toBeLessThanOrEqual(1);
          expect(bh[i]!).toBeLessThanOrEqual(h[i]! + 1e-15);
        });
      }),
    );
  });

  const record = fc.record({
    version: fc.constantFrom("a", "b", "c"),
    status: fc.constantFrom("ok" as const, "error" as const),
    costMicros: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
    latencyMs: fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: undefined }),
    feedback: fc.array(
      fc.oneof(
        fc.record({ name: fc.constant("rating"), value: fc.integer({ min: 1, max: 5 }) }),
        fc.record({ name: fc.constantFrom("thumbs", "task_succeeded"), value: fc.boolean() }),
        fc.record({
          name: fc.constantFrom("copied", "regenerated", "edited", "abandoned", "flag.pii"),
        }),
      ),
      { maxLength: 6 },
    ),
  });

  it("aggregates do not depend on the order of requests", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 60 }), fc.integer(), (records, seed) => {
        const shuffled = [...records].sort(
          (x, y) => hash(JSON.stringify(x), seed) - hash(JSON.stringify(y), seed),
        );
        const byVersion = (rs: RequestRecord[]) =>
          Object.fromEntries(aggregateRecords(rs).map((a) => [a.version, a]));
        const left = byVersion(records);
        const right = byVersion(shuffled);
        expect(Object.keys(right).sort()).toEqual(Object.keys(left).sort());
        for (const [version, a] of Object.entries(left)) {
          expect(right[version]).toEqual(a);
        }
      }),
    );
  });

  it("compareVersions always returns plain JSON with missing kept as null", () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 80 }),
        fc.boolean(),
        (records, sequential) => {
          const result = compareVersions(records, sequential ? { sequential: {} } : {});
          expect(JSON.parse(JSON.stringify(result))).toEqual(result);
          for (const c of result.comparisons) {
            expect(c.verdict === "missing").toBe(c.value === null || c.baselineValue === null);
            if (c.pValue !== null) expect(c.adjustedPValue).not.toBeNull();
          }
        },
      ),
    );
  });

  it("a version without any signal reports missing, not zero", () => {
    const result = compareVersions([
      aggregate("a", { requests: 10 }),
      aggregate("b", { requests: 5 }),
    ]);
    const success = result.versions[1]!.metrics.find((m) => m.metric === "taskSuccessRate");
    expect(success).toMatchObject({ value: null, status: "missing" });
  });
});

/** A seeded string hash (FNV-1a) to shuffle deterministically. */
function hash(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

import { describe, expect, it } from "vitest";
import { LoopkitError } from "./errors.js";
import { sampleRateFor, shouldSample } from "./sampling.js";

describe("shouldSample", () => {
  it("is deterministic per key", () => {
    for (let i = 0; i < 200; i++) {
      const key = `conv-${i}`;
      const first = shouldSample(key, 0.3);
      for (let j = 0; j < 5; j++) expect(shouldSample(key, 0.3)).toBe(first);
    }
  });

  it.each([0.01, 0.1, 0.25, 0.5, 0.9])("keeps about %f of 100k keys", (rate) => {
    const n = 100_000;
    let kept = 0;
    for (let i = 0; i < n; i++) if (shouldSample(`conversation-${i}`, rate)) kept++;
    // Binomial standard deviation sqrt(n p (1 - p)); allow 4 of them.
    const sd = Math.sqrt(n * rate * (1 - rate));
    expect(Math.abs(kept - n * rate)).toBeLessThan(4 * sd);
  });

  it("keeps nothing at 0 and everything at 1, and nests rates (a key kept at 0.1 is kept at 0.5)", () => {
    for (let i = 0; i < 1000; i++) {
      const key = `k${i}`;
      expect(shouldSample(key, 0)).toBe(false);
      expect(shouldSample(key, 1)).toBe(true);
      if (shouldSample(key, 0.1)) expect(shouldSample(key, 0.5)).toBe(true);
    }
  });

  it("rejects rates outside 0–1", () => {
    expect(() => shouldSample("k", 1.5)).toThrow(LoopkitError);
    expect(() => shouldSample("k", Number.NaN)).toThrow(/between 0 and 1/);
  });
});

describe("sampleRateFor", () => {
  const rules = [
    { rate: 0.5 },
    { promptName: "support", rate: 0.2 },
    { promptName: "support", promptVersion: "v3", rate: 1 },
  ];
  it("picks the most specific matching rule", () => {
    expect(sampleRateFor(rules, { promptName: "support", promptVersion: "v3" })).toBe(1);
    expect(sampleRateFor(rules, { promptName: "support", promptVersion: "v2" })).toBe(0.2);
    expect(sampleRateFor(rules, { promptName: "other" })).toBe(0.5);
    expect(sampleRateFor([], { promptName: "other" })).toBe(1);
    expect(sampleRateFor([], {}, 0.05)).toBe(0.05);
  });
  it("rejects a bad rule with its index", () => {
    expect(() => sampleRateFor([{ rate: 2 }], {})).toThrow(/sampling rule 0/);
  });
});

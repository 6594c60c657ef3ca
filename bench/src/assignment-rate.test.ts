import { describe, expect, it } from "vitest";
import { fnv1a32, measureAssignment } from "./assignment-rate.js";

describe("fnv1a32", () => {
  // Test vectors of 32-bit FNV-1a from the FNV reference code's test suite
  // (http://www.isthe.com/chongo/src/fnv/test_fnv.c): "" → 0x811c9dc5, "a" → 0xe40c292c,
  // "foobar" → 0xbf9cf968.
  it.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
  ])("hashes %j to the reference value", (text, expected) => {
    expect(fnv1a32(text)).toBe(expected);
  });
});

describe("measureAssignment", () => {
  it("assigns every unit of a 100%-coverage experiment and reports positive rates", () => {
    const rate = measureAssignment(5_000, 1);
    expect(rate.assignments).toBe(5_000);
    expect(rate.inExperiment).toBe(5_000);
    expect(rate.perSecond).toBeGreaterThan(0);
    expect(rate.hashPerSecond).toBeGreaterThan(0);
  });
});

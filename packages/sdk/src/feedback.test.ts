import { describe, expect, it } from "vitest";
import { editRatio } from "./feedback.js";

describe("editRatio", () => {
  it("is Levenshtein distance over the longer length", () => {
    // kitten → sitting: distance 3 (the textbook example, Levenshtein 1966 / Wikipedia).
    expect(editRatio("kitten", "sitting")).toBeCloseTo(3 / 7, 12);
    expect(editRatio("same", "same")).toBe(0);
    expect(editRatio("", "")).toBe(0);
    expect(editRatio("abc", "")).toBe(1);
  });
});

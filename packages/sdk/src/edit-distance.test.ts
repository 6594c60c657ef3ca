import { describe, expect, it } from "vitest";
import { levenshtein } from "./edit-distance.js";

/** The textbook dynamic program (Wagner–Fischer 1974), as the reference. */
function reference(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j]! + 1,
        next[j - 1]! + 1,
        row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length]!;
}

/** A seeded generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("levenshtein", () => {
  it("gives the textbook distances", () => {
    // kitten → sitting: 3; flaw → lawn: 2; saturday → sunday: 3 (Wikipedia, "Levenshtein distance").
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("flaw", "lawn")).toBe(2);
    expect(levenshtein("saturday", "sunday")).toBe(3);
    expect(levenshtein("", "")).toBe(0);
    expect(levenshtein("abc", "")).toBe(3);
    expect(levenshtein("", "abcd")).toBe(4);
    expect(levenshtein("same", "same")).toBe(0);
  });

  it("matches the dynamic program on random strings across the 32-character block edges", () => {
    const next = random(42);
    const text = (length: number, alphabet: string) =>
      Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
    const lengths = [1, 2, 31, 32, 33, 63, 64, 65, 97, 150];
    for (const alphabet of ["ab", "abcd", "abcdefghijklmnopqrstuvwxyz", "aé😀 "]) {
      for (const m of lengths) {
        for (const n of lengths) {
          const a = text(m, alphabet);
          const b = text(n, alphabet);
          expect(levenshtein(a, b), `${JSON.stringify(a)} / ${JSON.stringify(b)}`).toBe(
            reference(a, b),
          );
        }
      }
    }
  });

  it("matches the dynamic program on edited copies (small distances in long texts)", () => {
    const next = random(7);
    for (let round = 0; round < 200; round++) {
      const length = 1 + Math.floor(next() * 300);
      const a = Array.from({ length }, () => "abcxyz "[Math.floor(next() * 7)]).join("");
      let b = a;
      const edits = Math.floor(next() * 6);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * (b.length + 1));
        const op = Math.floor(next() * 3);
        b =
          op === 0
            ? `${b.slice(0, at)}q${b.slice(at)}`
            : `${b.slice(0, at)}${op === 1 ? "" : "r"}${b.slice(at + 1)}`;
      }
      expect(levenshtein(a, b)).toBe(reference(a, b));
    }
  });
});

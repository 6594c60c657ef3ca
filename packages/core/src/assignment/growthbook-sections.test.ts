import { describe, expect, it } from "vitest";
import { assignVariant } from "./assign-variant.js";
import { fnv1a32, hash } from "./growthbook-hash.js";

/** FNV-1a over 8- or 16-bit units, in BigInt arithmetic, straight from the FNV definition. */
function fnvOfUnits(units: Iterable<number>): number {
  let h = 0x811c9dc5n;
  for (const unit of units) h = ((h ^ BigInt(unit)) * 16777619n) % 2n ** 32n;
  return Number(h);
}

const utf16Units = (text: string) =>
  Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));

describe("fnv1a32 against the FNV reference test suite", () => {
  // FNV-1a 32-bit vectors of Landon Curt Noll's reference code (test_fnv.c: fnv_test_str paired
  // with fnv1a_32_vector; the "\0" cases hash the trailing NUL too).
  it.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["b", 0xe70c2de5],
    ["c", 0xe60c2c52],
    ["d", 0xe10c2473],
    ["e", 0xe00c22e0],
    ["f", 0xe30c2799],
    ["fo", 0x6222e842],
    ["foo", 0xa9f37ed7],
    ["foob", 0x3f5076ef],
    ["fooba", 0x39aaa18a],
    ["foobar", 0xbf9cf968],
    ["\0", 0x050c5d1f],
    ["a\0", 0x2b24d044],
    ["foobar\0", 0x0c1c9eb8],
    ["ch", 0x5f299f4e],
    ["chongo ", 0x6bdd5c67],
    ["chongo was h", 0xc2d32fa8],
    ["chongo was he", 0x7f743fb7],
  ])("hashes %j to the reference value", (text, expected) => {
    expect(fnv1a32(text)).toBe(expected);
    expect(fnvOfUnits(utf16Units(text))).toBe(expected); // the reference below agrees
  });
});

describe("non-ASCII ids, hashed as GrowthBook's JavaScript SDK hashes them", () => {
  // GrowthBook's sdk-js (src/util.ts, hashFnv32a) XORs `str.charCodeAt(i)`, a UTF-16 code unit,
  // into the hash: one unit for "é" (0xE9), two for "日本", a surrogate pair for "😀". Its Go SDK
  // (hash.go) hashes the UTF-8 bytes instead, so the SDKs agree on ASCII ids only; Loopkit
  // follows the JavaScript SDK, as the browser SDK must.
  it.each([
    ["é", 0x6c0b6c44, 0x1e9de8c1],
    ["日本", 0x5ffcbea4, 0x9f26ee51],
    ["😀", 0xcb31c4b8, 0x33a29608],
  ])("hashes %j over UTF-16 code units (%i), not UTF-8 bytes (%i)", (text, units, bytes) => {
    // Both expected values were computed from the FNV-1a definition outside this code (Python,
    // over text.encode("utf-16-le") read as 16-bit units, and over text.encode("utf-8")).
    expect(fnv1a32(text)).toBe(units);
    expect(fnvOfUnits(utf16Units(text))).toBe(units);
    expect(fnvOfUnits(new TextEncoder().encode(text))).toBe(bytes);
  });

  it("gives hash v2 of a non-ASCII id as the JavaScript SDK does", () => {
    // fnv(String(fnv("seed" + "é"))) % 10000 / 10000 over UTF-16 units (0.9593 over UTF-8 bytes).
    expect(hash("seed", "é", 2)).toBe(0.8663);
  });
});

describe("GrowthBook's run(): what assignVariant shares with it", () => {
  const variants = ["a", "b", "c"];
  const ids = Array.from({ length: 200 }, (_, i) => `user-${i}`);

  it("falls back to the key when the seed is empty (sdk-js: `experiment.seed || key`)", () => {
    for (const id of ids) {
      expect(assignVariant({ key: "exp", seed: "", variants }, id)).toEqual(
        assignVariant({ key: "exp", variants }, id),
      );
    }
  });

  it("hashes with the given hashVersion; sdk-js defaults to 1 (`hashVersion || 1`), Loopkit to 2", () => {
    for (const id of ids) {
      const v1 = assignVariant({ key: "exp", variants, hashVersion: 1 }, id);
      expect(v1.index).toBe(Math.floor(hash("exp", id, 1)! * 3));
      const v2 = assignVariant({ key: "exp", variants }, id);
      expect(v2.index).toBe(Math.floor(hash("exp", id, 2)! * 3));
    }
  });

  it("leaves units out for an unknown hash version (sdk-js: hash() is null)", () => {
    expect(assignVariant({ key: "exp", variants, hashVersion: 3 as 2 }, "u")).toEqual({
      inExperiment: false,
      index: -1,
    });
  });
});

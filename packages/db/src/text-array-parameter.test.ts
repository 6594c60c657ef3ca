import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./database.js";
import { openEmptyTestDatabase, testDrivers } from "./testing.js";
import { textArrayParameter } from "./text-array-parameter.js";

// The reference for the bytes is PostgreSQL itself: `array_send` writes a text[] in the binary
// array format (src/backend/utils/adt/arrayfuncs.c; the layout is documented with COPY's binary
// format, https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4), and the same
// array sent the usual way (pg's escaped array literal) must come out byte for byte as ours.

const CASES: Array<[string, Array<string | null>]> = [
  ["plain strings", ["a", "bc", "def"]],
  [
    "the characters an array literal escapes or treats specially",
    ['quote "', "back\\slash", "{braces}", "comma,", "NULL", " spaced ", "", "tab\tnew\nline"],
  ],
  ["NULLs beside the string 'NULL'", [null, "NULL", null]],
  ["multi-byte UTF-8 (2, 3 and 4 bytes)", ["ünïcödé", "日本語", "😀 emoji", "mixed é😀"]],
  ["JSON texts as insertEvents sends them", [JSON.stringify([{ role: "user", content: 'a "q"' }])]],
  ["a long value", ["x".repeat(100_000)]],
  ["no elements", []],
];

describe.each(await testDrivers())("textArrayParameter on %s", (driver) => {
  let db: Database;
  beforeAll(async () => {
    db = (await openEmptyTestDatabase(driver)).db;
  });
  afterAll(() => db.close());

  it.each(CASES)("reads back %s, with the bytes of array_send", async (_, values) => {
    const param = textArrayParameter(values);
    const [row] = await db.query<{ back: string[]; sent: Uint8Array }>(
      "SELECT $1::text[] AS back, array_send($2::text[]) AS sent",
      [param, values],
    );
    expect(row!.back).toEqual(values);
    expect(Buffer.from(param).equals(Buffer.from(row!.sent))).toBe(true);
  });

  it("keeps elements apart for unnest, in order", async () => {
    const rows = await db.query<{ v: string | null; n: number }>(
      "SELECT v, n::int FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n)",
      [textArrayParameter(["first", null, "th,ird"])],
    );
    expect(rows).toEqual([
      { v: "first", n: 1 },
      { v: null, n: 2 },
      { v: "th,ird", n: 3 },
    ]);
  });

  it("is refused by the server when a value holds NUL, which text cannot store", async () => {
    await expect(
      db.query("SELECT $1::text[] AS back", [textArrayParameter(["a\u0000b"])]),
    ).rejects.toThrow(/0x00/);
  });
});

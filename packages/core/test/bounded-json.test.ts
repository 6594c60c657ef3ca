import { describe, expect, it } from "vitest";
import { boundedJsonObject, LIMITS, Metadata, toFieldIssues } from "../src/index.js";

const issuesOf = (value: unknown, schema = Metadata) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : toFieldIssues(parsed.error);
};
/** `{"a":{"a":…1…}}`, `depth` objects deep, built without recursion. */
const nestedObject = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

describe("Metadata depth", () => {
  it("accepts the limit and names the first level beyond it", () => {
    expect(issuesOf(nestedObject(LIMITS.maxMetadataDepth))).toEqual([]);
    expect(issuesOf(nestedObject(LIMITS.maxMetadataDepth + 1))).toEqual([
      {
        path: "a.a.a.a.a",
        message: expect.stringContaining("is nested 6 levels deep; the limit is 5"),
      },
    ]);
  });

  it("counts arrays as levels", () => {
    expect(issuesOf({ a: [[[[1]]]] })).toEqual([]);
    expect(issuesOf({ a: [[[[[1]]]]] })[0]?.path).toBe("a.0.0.0.0");
  });

  it("refuses 100 000 levels parsed from JSON text without overflowing the stack", () => {
    const depth = 100_000;
    const object = JSON.parse(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`);
    const array = JSON.parse(`{"a":${"[".repeat(depth)}${"]".repeat(depth)}}`);
    expect(issuesOf(object)).toHaveLength(1);
    expect(issuesOf(array)).toHaveLength(1);
  });

  it("refuses a cyclic object (an in-process caller can make one) at the depth limit", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(issuesOf(cyclic)[0]?.path).toBe("self.self.self.self.self");
  });

  it("stops a shared-reference bomb at the size limit instead of walking 1000^4 paths", () => {
    let level: unknown = Array.from({ length: 1000 }, () => 1);
    for (let i = 0; i < 3; i++) level = Array.from({ length: 1000 }, () => level);
    // The walk stops after 16 385 values; without that stop it would not end within the
    // test's timeout (and JSON.stringify of it runs out of string length).
    expect(issuesOf({ bomb: level })).toEqual([
      { path: "(root)", message: expect.stringContaining("more than 16384 bytes as JSON") },
    ]);
  });
});

describe("Metadata keys and values", () => {
  it("refuses a __proto__ key as JSON.parse makes it (an own property)", () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"ok":1}');
    expect(issuesOf(value)).toEqual([
      { path: "__proto__", message: expect.stringContaining("rename the key") },
    ]);
  });

  it("stores other keys that mean something to JavaScript", () => {
    const value = JSON.parse('{"constructor":{"prototype":{"x":1}},"toString":"s"}');
    const parsed = Metadata.parse(value);
    expect(parsed).toBe(value);
    expect(parsed).toEqual({ constructor: { prototype: { x: 1 } }, toString: "s" });
  });

  it("names a NUL or lone surrogate in a key, escaped in the path", () => {
    expect(issuesOf({ "k\u0000": "v" })).toEqual([
      { path: "k\\u0000", message: expect.stringContaining("the key contains a NUL character") },
    ]);
    expect(issuesOf({ nested: { "x\ud800": 1 } })[0]?.path).toBe("nested.x\\ud800");
  });

  it("cuts a long key in a path at 64 characters", () => {
    const key = `${"k".repeat(1000)}\u0000`;
    expect(issuesOf({ [key]: 1 })[0]?.path).toBe(`${"k".repeat(64)}…`);
  });

  it("names every bad string value by its path", () => {
    expect(issuesOf({ a: ["ok", "x\u0000"], b: { c: "\udc00" } })).toEqual([
      { path: "a.1", message: expect.stringContaining("NUL character (U+0000) at index 1") },
      { path: "b.c", message: expect.stringContaining("unpaired UTF-16 surrogate (U+DC00)") },
    ]);
  });

  it("names issues inside arrays in objects and objects in arrays by their full path", () => {
    expect(
      issuesOf({ a: [{ "b\u0000": 1 }, ["ok", { c: "\u0000" }]], d: { e: [1, 10n] } }),
    ).toEqual([
      { path: "a.0.b\\u0000", message: expect.stringContaining("the key contains a NUL") },
      { path: "a.1.1.c", message: expect.stringContaining("NUL character (U+0000) at index 0") },
      { path: "d.e.1", message: expect.stringContaining("is a bigint") },
    ]);
  });

  it("refuses values JSON cannot hold, saying how to convert them", () => {
    expect(issuesOf({ when: new Date(0) })[0]?.message).toContain("is a Date");
    expect(issuesOf({ n: 10n })[0]?.message).toContain("is a bigint");
    expect(issuesOf({ gone: undefined })[0]?.message).toContain("leave the key out");
    expect(issuesOf({ n: Number.POSITIVE_INFINITY })[0]?.message).toBe("must be a finite number");
    expect(issuesOf({ set: new Set([1]) })[0]).toMatchObject({ path: "set" });
  });

  it("accepts an object without a prototype", () => {
    const bare = Object.assign(Object.create(null), { a: 1 });
    expect(issuesOf(bare)).toEqual([]);
  });

  it("must be an object", () => {
    expect(issuesOf([1])).toEqual([
      { path: "(root)", message: "must be a JSON object, not an array" },
    ]);
    expect(issuesOf("meta")[0]?.message).toBe("must be a JSON object, not a string");
    expect(issuesOf(null)[0]?.message).toBe("must be a JSON object, not null");
  });

  it("reports at most 20 issues", () => {
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, "\u0000"]));
    expect(issuesOf(many)).toHaveLength(20);
  });
});

describe("Metadata size", () => {
  // UTF-8 takes 2 bytes for U+00E9 (RFC 3629 §3): {"k":"éé…"} is 8 + 2n bytes.
  const ofBytes = (bytes: number) => ({ k: "é".repeat((bytes - 8) / 2) });

  it("accepts exactly maxMetadataBytes of UTF-8 JSON and refuses one byte more", () => {
    expect(issuesOf(ofBytes(LIMITS.maxMetadataBytes))).toEqual([]);
    expect(issuesOf({ ...ofBytes(LIMITS.maxMetadataBytes), x: 1 })).toEqual([
      {
        path: "(root)",
        message: expect.stringContaining("is 16390 bytes as JSON; the limit is 16384"),
      },
    ]);
  });

  it("counts a 3-byte UTF-8 character as 3 bytes", () => {
    // {"k":"€€€"} is 8 + 3 × 3 = 17 bytes (U+20AC takes 3 bytes in UTF-8, RFC 3629 §3).
    const Tight = boundedJsonObject({ maxDepth: 1, maxBytes: 17 });
    expect(issuesOf({ k: "€€€" }, Tight)).toEqual([]);
    expect(issuesOf({ k: "€€€€" }, Tight)[0]?.message).toContain("is 20 bytes as JSON");
  });

  it("takes other bounds", () => {
    const Small = boundedJsonObject({ maxDepth: 1, maxBytes: 10 });
    expect(issuesOf({ a: 1 }, Small)).toEqual([]);
    expect(issuesOf({ a: {} }, Small)[0]?.message).toContain("is nested 2 levels deep");
    expect(issuesOf({ a: "0123456789" }, Small)[0]?.message).toContain("the limit is 10");
  });
});

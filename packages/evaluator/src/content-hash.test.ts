import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, contentHash } from "./content-hash.js";

describe("contentHash", () => {
  it("is the SHA-256 of canonical JSON", () => {
    // SHA-256("{}") from any sha256 tool, e.g. `printf '{}' | sha256sum`.
    expect(contentHash({})).toBe(
      "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
    );
    expect(contentHash({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(
      createHash("sha256").update('{"a":[1,{"c":3,"d":2}],"b":1}').digest("hex"),
    );
  });

  it("ignores key order and undefined properties, but not values", () => {
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1, c: undefined }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    expect(canonicalJson("x")).toBe('"x"');
  });
});

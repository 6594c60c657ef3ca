import { describe, expect, it } from "vitest";
import { createPseudonymizer } from "./pseudonym.js";
import { hashUserId } from "./user-id.js";

// RFC 4231 §4 HMAC-SHA-256 test vectors that fit a string message: cases 1, 2, 6 and 7 in full,
// and case 5, whose published output is truncated to its first 128 bits (§4.6). Cases 3 and 4
// have messages of raw 0xdd / 0xcd bytes, which no string encodes in UTF-8.
const bytes = (byte: number, count: number) => new Uint8Array(count).fill(byte);
const CASES = [
  { name: "1", key: bytes(0x0b, 20), data: "Hi There", hmac: "b0344c61d8db38535ca8afceaf0bf12b" },
  {
    name: "2",
    key: new TextEncoder().encode("Jefe"),
    data: "what do ya want for nothing?",
    hmac: "5bdcc146bf60754e6a042426089575c7",
  },
  {
    name: "5",
    key: bytes(0x0c, 20),
    data: "Test With Truncation",
    hmac: "a3b6167473100ee06e0c796c2955552b",
  },
  {
    name: "6",
    key: bytes(0xaa, 131),
    data: "Test Using Larger Than Block-Size Key - Hash Key First",
    hmac: "60e431591ee0b67f0d8a26aacbf5b77f",
  },
];

describe("HMAC-SHA-256 keyed hashes against RFC 4231", () => {
  it.each(CASES)("hashUserId begins with RFC 4231 case $name's output", async (c) => {
    const hex = await hashUserId(c.data, c.key);
    expect(hex).toMatch(/^[0-9a-f]{64}$/); // lower-case hex of all 32 bytes, as documented
    expect(hex.startsWith(c.hmac)).toBe(true);
  });

  it.each(CASES)("a pseudonym is the first 6 hex digits of RFC 4231 case $name", (c) => {
    // The kind is not hashed: the token is HMAC(key, value) alone.
    expect(createPseudonymizer(c.key)("EMAIL", c.data)).toBe(c.hmac.slice(0, 6));
    expect(createPseudonymizer(c.key)("PHONE", c.data)).toBe(c.hmac.slice(0, 6));
  });
});

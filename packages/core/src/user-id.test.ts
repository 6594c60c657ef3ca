import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashUserId } from "./user-id.js";

// RFC 4231 §4 (HMAC-SHA256 test vectors). Cases 3 and 4 have binary data, which a user id
// (a string) cannot carry; case 5 truncates the output. Cases 1, 2, 6 and 7 are used verbatim.
const bytes = (byte: number, count: number) => new Uint8Array(count).fill(byte);
const RFC4231 = [
  {
    name: "case 1",
    key: bytes(0x0b, 20),
    data: "Hi There",
    hmac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
  },
  {
    name: "case 2",
    key: "Jefe",
    data: "what do ya want for nothing?",
    hmac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  },
  {
    name: "case 6",
    key: bytes(0xaa, 131),
    data: "Test Using Larger Than Block-Size Key - Hash Key First",
    hmac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
  },
  {
    name: "case 7",
    key: bytes(0xaa, 131),
    data: "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
    hmac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
  },
];

describe("hashUserId", () => {
  for (const v of RFC4231) {
    it(`matches RFC 4231 ${v.name}`, async () => {
      expect(await hashUserId(v.data, v.key)).toBe(v.hmac);
    });
  }

  it("agrees with node:crypto on unicode ids and secrets", async () => {
    const cases: [string, string][] = [
      ["user-42", "s3cret"],
      ["émilie@example.com", "clé secrète 🔑"],
      ["", "k"],
      ["x".repeat(1000), "another secret"],
    ];
    for (const [id, secret] of cases) {
      const expected = createHmac("sha256", secret).update(id, "utf8").digest("hex");
      expect(await hashUserId(id, secret)).toBe(expected);
    }
  });

  it("gives different hashes for different secrets", async () => {
    expect(await hashUserId("u1", "a")).not.toBe(await hashUserId("u1", "b"));
  });
});

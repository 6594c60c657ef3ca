import { hashUserId } from "@loopkit/core";
import { describe, expect, it } from "vitest";
import { userHash } from "./user-hash.js";

describe("userHash", () => {
  it("matches RFC 4231 test case 2 (HMAC-SHA256, key 'Jefe')", () => {
    // https://www.rfc-editor.org/rfc/rfc4231#section-4.3
    expect(userHash("what do ya want for nothing?", "Jefe")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("gives exactly core's hashUserId, so hashes agree with every other producer", async () => {
    const key = "a".repeat(64);
    for (const id of ["user-1", "jane.doe@example.com", "ユーザー", ""]) {
      expect(userHash(id, key)).toBe(await hashUserId(id, key));
    }
  });
});

import { describe, expect, it } from "vitest";
import { newEventId } from "./ids.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("newEventId", () => {
  it("puts the Unix milliseconds in the first 48 bits, as RFC 9562 Appendix A.6's example", () => {
    // RFC 9562 A.6: 2022-02-22T19:22:22.000Z = 0x017F22E279B0 gives 017F22E2-79B0-7CC3-98C4-DC0C0C07398F.
    const ms = Date.UTC(2022, 1, 22, 19, 22, 22);
    expect(ms).toBe(0x017f22e279b0);
    expect(newEventId(ms).slice(0, 15)).toBe("017f22e2-79b0-7");
    // Independent of the id code: the hex of the time, padded to 12 digits.
    for (const t of [0, 1, 0xffffff, 0x1000000, Date.now(), 2 ** 48 - 1]) {
      const id = newEventId(t);
      expect(id.replace(/-/g, "").slice(0, 12)).toBe(t.toString(16).padStart(12, "0"));
    }
  });

  it("sets version 7 and the RFC 9562 variant bits (10) on every id, across pool refills", () => {
    for (let i = 0; i < 5_000; i++) {
      const id = newEventId();
      expect(id).toMatch(UUID);
      expect(Number.parseInt(id[14]!, 16)).toBe(7);
      expect(Number.parseInt(id[19]!, 16) >> 2).toBe(0b10);
    }
  });

  it("gives 100 000 distinct ids, even within one millisecond", () => {
    const now = Date.now();
    const ids = new Set<string>();
    for (let i = 0; i < 50_000; i++) ids.add(newEventId());
    for (let i = 0; i < 50_000; i++) ids.add(newEventId(now));
    expect(ids.size).toBe(100_000);
  });

  it("sorts ids of the same millisecond in creation order (the 12-bit counter)", () => {
    const ms = 1_700_000_000_000;
    newEventId(ms - 1);
    const ids = Array.from({ length: 2_000 }, () => newEventId(ms));
    expect([...ids].sort()).toEqual(ids);
    const later = newEventId(ms + 1);
    expect(later > ids[ids.length - 1]!).toBe(true);
  });

  it("uses random bits after the variant: two ids of one millisecond differ there", () => {
    const ms = 1_700_000_000_000;
    const tails = new Set(Array.from({ length: 1_000 }, () => newEventId(ms).slice(19)));
    expect(tails.size).toBe(1_000);
  });
});

import { describe, expect, it } from "vitest";
import { count, markdownTable, mib, ms } from "./report.js";

describe("markdownTable", () => {
  it("writes a header, an alignment row and one row per result, escaping pipes", () => {
    const table = markdownTable([
      { benchmark: "a|b", loopkit: "1 events/s", baseline: "2 rows/s", ratio: "0.50", notes: "" },
    ]);
    expect(table.split("\n")).toEqual([
      "| benchmark | Loopkit | baseline (same run) | ratio | notes |",
      "|---|---:|---:|---:|---|",
      "| a\\|b | 1 events/s | 2 rows/s | 0.50 |  |",
    ]);
  });

  it("formats counts, sizes and durations", () => {
    expect(count(1234567.4)).toBe("1,234,567");
    expect(mib(3 * 1024 * 1024)).toBe("3.0 MiB");
    expect(ms(0.4234)).toBe("0.42 ms");
    expect(ms(12.345)).toBe("12.3 ms");
    expect(ms(4321.2)).toBe("4,321 ms");
    expect(ms(null)).toBe("–");
  });
});

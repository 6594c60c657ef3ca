import { describe, expect, it } from "vitest";
import { parseBenchOptions, SECTION_NAMES, scaled } from "./options.js";

describe("parseBenchOptions", () => {
  it("runs every section at full size by default, on the local PostgreSQL", () => {
    const options = parseBenchOptions([]);
    expect(options.scale).toBe(1);
    expect(options.smoke).toBe(false);
    expect([...options.only]).toEqual([...SECTION_NAMES]);
    expect(options.adminUrl).toBe("postgres://postgres@127.0.0.1:5432/postgres");
    expect(options.resultsFile).toMatch(/bench\/results\.json$/);
  });

  it("reads --scale, --scale=, --only and the environment", () => {
    expect(parseBenchOptions(["--scale", "0.1"]).scale).toBe(0.1);
    expect(parseBenchOptions(["--", "--scale=0.5"]).scale).toBe(0.5);
    expect(parseBenchOptions([], { LOOPKIT_BENCH_SCALE: "0.2" }).scale).toBe(0.2);
    expect([...parseBenchOptions(["--only", "sdk,metrics"]).only]).toEqual(["sdk", "metrics"]);
    expect(
      parseBenchOptions([], { LOOPKIT_BENCH_DATABASE_URL: "postgres://x@db:5433/admin" }).adminUrl,
    ).toBe("postgres://x@db:5433/admin");
  });

  it("makes --smoke a hundredth of the full sizes", () => {
    const options = parseBenchOptions(["--smoke"]);
    expect(options.smoke).toBe(true);
    expect(scaled(options, 100_000, 2_000)).toBe(2_000);
    expect(scaled(options, 10_000_000, 40_000)).toBe(100_000);
  });

  it.each([
    [["--scale", "0"], /--scale must be a number above 0/],
    [["--scale", "fast"], /--scale must be a number above 0/],
    [["--only", "ingest,speed"], /unknown section "speed"/],
    [["--fast"], /unknown argument "--fast"/],
  ])("rejects %j with a stable code and the usage", (argv, message) => {
    expect(() => parseBenchOptions(argv)).toThrow(message);
    try {
      parseBenchOptions(argv);
    } catch (error) {
      expect(error).toMatchObject({ code: "INVALID_BENCH_OPTIONS" });
      expect(String(error)).toContain("usage: pnpm bench");
    }
  });
});

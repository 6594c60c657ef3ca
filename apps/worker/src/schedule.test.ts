import { describe, expect, it } from "vitest";
import { every } from "./schedule.js";

describe("every", () => {
  it("runs at once, then again after the interval, never overlapping, and stop waits for a pass", async () => {
    let running = 0;
    let overlapped = false;
    let passes = 0;
    const schedule = every(
      5,
      async () => {
        running++;
        overlapped ||= running > 1;
        await new Promise((r) => setTimeout(r, 15));
        passes++;
        running--;
      },
      () => {},
    );
    await new Promise((r) => setTimeout(r, 80));
    await schedule.stop();
    const after = passes;
    await new Promise((r) => setTimeout(r, 40));
    expect(after).toBeGreaterThanOrEqual(2);
    expect(passes).toBe(after);
    expect(overlapped).toBe(false);
    expect(running).toBe(0);
  });

  it("reports a failing pass and keeps going", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const schedule = every(
      1,
      async () => {
        calls++;
        if (calls === 1) throw new Error("first pass fails");
      },
      (e) => errors.push(e),
    );
    await new Promise((r) => setTimeout(r, 30));
    await schedule.stop();
    expect(errors).toHaveLength(1);
    expect(calls).toBeGreaterThan(1);
  });
});

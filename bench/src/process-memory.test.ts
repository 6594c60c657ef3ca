import { describe, expect, it } from "vitest";
import { readProcessMemory } from "./process-memory.js";

describe("readProcessMemory", () => {
  it.runIf(process.platform === "linux")(
    "reads this process's resident memory, at most its peak, close to Node's own figure",
    async () => {
      const memory = await readProcessMemory(process.pid);
      const node = process.memoryUsage().rss;
      expect(memory.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(memory.peakRssBytes).toBeGreaterThanOrEqual(memory.rssBytes);
      expect(Math.abs(memory.rssBytes - node) / node).toBeLessThan(0.25);
    },
  );

  it.runIf(process.platform === "linux")("fails for a process that does not exist", async () => {
    await expect(readProcessMemory(2 ** 22 + 12_345)).rejects.toThrow(/ENOENT/);
  });
});

import { describe, expect, it } from "vitest";
import { readProcessCpuSeconds, readProcessMemory } from "./process-memory.js";

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

describe("readProcessCpuSeconds", () => {
  it.runIf(process.platform === "linux")(
    "agrees with Node's own CPU usage of this process to within a few ticks",
    async () => {
      const start = Date.now();
      while (Date.now() - start < 100) Math.sqrt(Math.random()); // burn a little CPU
      const fromProc = await readProcessCpuSeconds(process.pid);
      const usage = process.cpuUsage();
      const fromNode = (usage.user + usage.system) / 1e6;
      expect(fromProc).toBeGreaterThan(0);
      expect(Math.abs(fromProc - fromNode)).toBeLessThan(0.1);
    },
  );
});

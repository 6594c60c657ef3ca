import { readFile } from "node:fs/promises";

/** Resident memory of a process, from Linux `/proc/<pid>/status`. */
export interface ProcessMemory {
  /** Resident set size now (VmRSS), in bytes. */
  rssBytes: number;
  /** Peak resident set size since the process started (VmHWM), in bytes. */
  peakRssBytes: number;
}

function kibField(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!match) {
    throw new Error(
      `no ${field} line in /proc/<pid>/status: the bench reads memory from Linux procfs; run it on Linux`,
    );
  }
  return Number(match[1]) * 1024;
}

/** Reads the resident and peak resident memory of process `pid` (Linux only). */
export async function readProcessMemory(pid: number): Promise<ProcessMemory> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return { rssBytes: kibField(status, "VmRSS"), peakRssBytes: kibField(status, "VmHWM") };
}

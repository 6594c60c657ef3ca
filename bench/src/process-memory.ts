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

/**
 * CPU seconds (user + system) process `pid` has used since it started, from field 14 and 15 of
 * Linux `/proc/<pid>/stat` (in clock ticks of USER_HZ, 100 on Linux).
 */
export async function readProcessCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; fields after it are counted from its ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

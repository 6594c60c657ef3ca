/**
 * Runs `fn` once to warm up, then `rounds` times, and returns the best time in seconds measured
 * as CPU time of this process (user + system): on a shared machine wall time also counts the
 * time other processes held the core, CPU time is what one core spent on the work.
 */
export function bestCpuSeconds(rounds: number, fn: () => void): number {
  fn();
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    fastest = Math.min(fastest, (used.user + used.system) / 1e6);
  }
  return fastest;
}

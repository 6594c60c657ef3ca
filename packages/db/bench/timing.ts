/** How long a benchmarked call took over several runs. */
export interface RunTimes {
  /** The median run (the mean of the two middle ones for an even count). */
  medianMs: number;
  /** The fastest run. */
  minMs: number;
}

/**
 * Times `runs` calls of `run` one after another, after one untimed warm-up call (caches,
 * plans). The median is the figure to report; the fastest shows what a quiet machine gives.
 */
export async function timeRuns(runs: number, run: () => Promise<void>): Promise<RunTimes> {
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`bench: runs must be a whole number above 0 (got ${runs})`);
  }
  await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const middle = Math.floor(runs / 2);
  const medianMs = runs % 2 === 1 ? times[middle]! : (times[middle - 1]! + times[middle]!) / 2;
  return { medianMs, minMs: times[0]! };
}

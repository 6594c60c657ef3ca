import type { Database } from "./database.js";
import { type MaintenanceResult, runMaintenance } from "./maintenance.js";
import { foldUserRollups } from "./user-rollup-fold.js";

/** Default time between folds of per-user changes into their kept totals. */
export const DEFAULT_FOLD_INTERVAL_MS = 5_000;

/** Options of {@link scheduleMaintenance}. */
export interface MaintenanceScheduleOptions {
  /** Time from the end of one pass to the start of the next. */
  intervalMs: number;
  /** Delay before the first pass (default 0: at once). */
  firstDelayMs?: number;
  /** Told after each pass what it did and how long it took. */
  onPass?: (result: MaintenanceResult, ms: number) => void;
  /**
   * Time between folds of the per-user changes ingest appended into their kept totals
   * ({@link foldUserRollups}), on a timer of their own (default {@link DEFAULT_FOLD_INTERVAL_MS}).
   * Reads add the changes not yet folded, so this bounds their work, not their correctness.
   */
  foldIntervalMs?: number;
  /** Told of a failing pass or fold; the schedule goes on. */
  onError?: (error: unknown) => void;
  /**
   * Gets one line per pass, in the same words in every process: "maintenance done" (with what
   * it did and `ms`), "maintenance skipped: another process runs it", "maintenance failed";
   * folds only when they fail ("user totals fold failed").
   */
  logger?: MaintenanceLogger;
}

/** Where a schedule logs its passes: a pino logger fits. */
export interface MaintenanceLogger {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Maintenance passes on a timer; `stop()` waits for a pass in progress. */
export interface MaintenanceSchedule {
  /** Cancels the coming passes and resolves once a pass in progress has ended. */
  stop(): Promise<void>;
}

/** Runs `task` after `firstDelayMs`, then `intervalMs` after each run ended; never overlapping. */
function repeat(task: () => Promise<void>, firstDelayMs: number, intervalMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = () => {
    running = task().finally(() => {
      if (!stopped) timer = setTimeout(run, intervalMs);
    });
  };
  timer = setTimeout(run, firstDelayMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/**
 * Runs {@link runMaintenance} after `firstDelayMs`, then `intervalMs` after each pass ended, so
 * passes never overlap, in servers and workers alike (several processes on one PostgreSQL take
 * turns through the maintenance lock); and, on a timer of its own, {@link foldUserRollups}. A
 * pass is never cut short: `stop()` waits for the pass and fold in progress, so the database can
 * be closed right after it resolves.
 */
export function scheduleMaintenance(
  db: Database,
  options: MaintenanceScheduleOptions,
): MaintenanceSchedule {
  const { logger } = options;
  const done = (result: MaintenanceResult, ms: number) => {
    logger?.info(
      { job: "maintenance", ms: Math.round(ms), ...result },
      result.skipped ? "maintenance skipped: another process runs it" : "maintenance done",
    );
    options.onPass?.(result, ms);
  };
  const failed = (job: string, message: string) => (error: unknown) => {
    logger?.error({ job, err: error }, message);
    options.onError?.(error);
  };
  const passes = repeat(
    async () => {
      const started = performance.now();
      await runMaintenance(db)
        .then((result) => done(result, performance.now() - started))
        .catch(failed("maintenance", "maintenance failed"));
    },
    options.firstDelayMs ?? 0,
    options.intervalMs,
  );
  const foldInterval = options.foldIntervalMs ?? DEFAULT_FOLD_INTERVAL_MS;
  const folds = repeat(
    async () => {
      await foldUserRollups(db).catch(failed("fold", "user totals fold failed"));
    },
    foldInterval,
    foldInterval,
  );
  return {
    async stop() {
      await Promise.all([passes.stop(), folds.stop()]);
    },
  };
}

import type { Database } from "./database.js";
import { type MaintenanceResult, runMaintenance } from "./maintenance.js";

/** Options of {@link scheduleMaintenance}. */
export interface MaintenanceScheduleOptions {
  /** Time from the end of one pass to the start of the next. */
  intervalMs: number;
  /** Delay before the first pass (default 0: at once). */
  firstDelayMs?: number;
  /** Told after each pass what it did and how long it took. */
  onPass?: (result: MaintenanceResult, ms: number) => void;
  /** Told of a failing pass; the schedule goes on. */
  onError?: (error: unknown) => void;
  /**
   * Gets one line per pass, in the same words in every process: "maintenance done" (with what
   * it did and `ms`), "maintenance skipped: another process runs it", "maintenance failed".
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

/**
 * Runs {@link runMaintenance} after `firstDelayMs`, then `intervalMs` after each pass ended, so
 * passes never overlap, in servers and workers alike (several processes on one PostgreSQL take
 * turns through the maintenance lock). A pass is never cut short: `stop()` waits for the one in
 * progress, so the database can be closed right after it resolves.
 */
export function scheduleMaintenance(
  db: Database,
  options: MaintenanceScheduleOptions,
): MaintenanceSchedule {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const { logger } = options;
  const done = (result: MaintenanceResult, ms: number) => {
    logger?.info(
      { job: "maintenance", ms: Math.round(ms), ...result },
      result.skipped ? "maintenance skipped: another process runs it" : "maintenance done",
    );
    options.onPass?.(result, ms);
  };
  const failed = (error: unknown) => {
    logger?.error({ job: "maintenance", err: error }, "maintenance failed");
    options.onError?.(error);
  };
  const pass = () => {
    const started = performance.now();
    running = runMaintenance(db)
      .then((result) => done(result, performance.now() - started))
      .catch(failed)
      .finally(() => {
        if (!stopped) timer = setTimeout(pass, options.intervalMs);
      });
  };
  timer = setTimeout(pass, options.firstDelayMs ?? 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

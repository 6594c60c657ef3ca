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
  onError: (error: unknown) => void;
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
  const pass = () => {
    const started = performance.now();
    running = runMaintenance(db)
      .then((result) => options.onPass?.(result, performance.now() - started))
      .catch(options.onError)
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

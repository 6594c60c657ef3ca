import { type Database, scheduleMaintenance } from "@loopkit/db";
import type { LoopkitServices } from "@loopkit/server";
import type { Logger } from "pino";
import type { ServerConfig } from "./config.js";

/** The first maintenance pass comes this long after start, so it never delays start-up. */
export const FIRST_MAINTENANCE_DELAY_MS = 5_000;

/** The server's jobs besides answering requests. */
export interface BackgroundWork {
  /** Cancels coming maintenance passes and pauses evaluation runs; resolves once both stopped. */
  stop(): Promise<void>;
}

/**
 * Starts the server's background work, once it listens:
 *   1. maintenance — the coming event partitions, then retention — every
 *      LOOPKIT_MAINTENANCE_INTERVAL_MS, the first pass {@link FIRST_MAINTENANCE_DELAY_MS} after
 *      start, unless LOOPKIT_MAINTENANCE=off (a worker does it). On PostgreSQL the servers and
 *      workers of one database take turns through the maintenance lock.
 *   2. evaluation runs that stopped processes left unfinished are resumed, now and every half
 *      LOOPKIT_EVALUATION_LEASE_MS, when an LLM endpoint is configured to judge them.
 * `stop()` waits for a maintenance pass in progress (it is not cut short) and pauses the
 * evaluation runs executing here, releasing them to the next process.
 */
export function startBackgroundWork(
  config: ServerConfig,
  db: Database,
  services: LoopkitServices,
  logger: Logger,
): BackgroundWork {
  const maintenance =
    config.LOOPKIT_MAINTENANCE === "in-process"
      ? scheduleMaintenance(db, {
          firstDelayMs: FIRST_MAINTENANCE_DELAY_MS,
          intervalMs: config.LOOPKIT_MAINTENANCE_INTERVAL_MS,
          logger,
        })
      : null;
  logger.info(
    { maintenance: config.LOOPKIT_MAINTENANCE, intervalMs: config.LOOPKIT_MAINTENANCE_INTERVAL_MS },
    maintenance
      ? "maintenance runs in this process"
      : "maintenance is off in this process (LOOPKIT_MAINTENANCE=off): run a worker beside it",
  );
  const resuming = services.backgroundRuns.watchForAbandonedRuns();
  logger.info(
    { leaseMs: config.LOOPKIT_EVALUATION_LEASE_MS },
    resuming
      ? "evaluation runs: resuming runs that stopped processes left unfinished"
      : "evaluation runs are off: set LOOPKIT_OPENAI_API_KEY to start and resume them",
  );
  return {
    async stop() {
      await Promise.all([maintenance?.stop(), services.backgroundRuns.stopAll()]);
    },
  };
}

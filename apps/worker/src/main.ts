#!/usr/bin/env node
/**
 * The Loopkit worker: background jobs on the servers' PostgreSQL database. Run as many as you
 * like; an advisory lock makes one of them do each maintenance pass.
 *
 * Jobs: maintenance (the coming event partitions, then retention) every
 * LOOPKIT_MAINTENANCE_INTERVAL_MS (default one hour).
 */
import { createDatabase, runMaintenance } from "@loopkit/db";
import pino from "pino";
import { loadWorkerConfig } from "./config.js";
import { every } from "./schedule.js";

async function main(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const logger = pino({ level: config.LOG_LEVEL });
  const db = await createDatabase({ url: config.DATABASE_URL });
  const maintenance = every(
    config.LOOPKIT_MAINTENANCE_INTERVAL_MS,
    async () => {
      const result = await runMaintenance(db);
      logger.info(
        { job: "maintenance", ...result },
        result.skipped ? "maintenance skipped: another process runs it" : "maintenance done",
      );
    },
    (error) => logger.error({ job: "maintenance", err: error }, "maintenance failed"),
  );
  logger.info("Loopkit worker started");
  const stop = async (signal: string) => {
    logger.info({ signal }, "worker stopping: finishing the running job");
    await maintenance.stop();
    await db.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `loopkit-worker: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

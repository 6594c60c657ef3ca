#!/usr/bin/env node
/**
 * The Loopkit worker: background jobs on the servers' PostgreSQL database, without serving
 * HTTP. Run as many as you like:
 *   - maintenance (the coming event partitions, then retention) at start and every
 *     LOOPKIT_MAINTENANCE_INTERVAL_MS; an advisory lock makes one process do each pass;
 *   - with an LLM endpoint (LOOPKIT_OPENAI_API_KEY, LOOPKIT_OPENAI_BASE_URL), evaluation runs
 *     whose process stopped (its lease expired, LOOPKIT_EVALUATION_LEASE_MS) are claimed, each
 *     by exactly one process, and resumed without judging a finished item again.
 * SIGTERM waits for a maintenance pass in progress and pauses the runs executing here, which
 * another process resumes.
 */
import { createDatabase, createEvaluationStore, scheduleMaintenance } from "@loopkit/db";
import { createRunExecutor, logRunExecutorEvent } from "@loopkit/evaluator";
import pino from "pino";
import { ENV_VARIABLES, loadWorkerConfig } from "./config.js";

/** What `loopkit-worker --help` prints: what it does and the environment variables read. */
const USAGE = `Usage: loopkit-worker

Runs maintenance and resumes abandoned evaluation runs on the servers' PostgreSQL database,
without serving HTTP, until SIGTERM. Configured by environment variables (see its README):
  ${ENV_VARIABLES.join(", ")}
`;

async function main(argv: string[]): Promise<void> {
  if (argv.some((arg) => arg === "--help" || arg === "-h")) {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadWorkerConfig(process.env);
  const logger = pino({ level: config.LOG_LEVEL });
  const db = await createDatabase({ url: config.DATABASE_URL });
  const maintenance = scheduleMaintenance(db, {
    intervalMs: config.LOOPKIT_MAINTENANCE_INTERVAL_MS,
    logger,
  });
  const runs = config.LOOPKIT_OPENAI_API_KEY
    ? createRunExecutor({
        store: createEvaluationStore(db),
        llm: {
          apiKey: config.LOOPKIT_OPENAI_API_KEY,
          ...(config.LOOPKIT_OPENAI_BASE_URL ? { baseURL: config.LOOPKIT_OPENAI_BASE_URL } : {}),
        },
        leaseMs: config.LOOPKIT_EVALUATION_LEASE_MS,
        onEvent: (event) => logRunExecutorEvent(logger, event),
        onError: (error, run) => logger.error({ err: error, ...run }, "evaluation run error"),
      })
    : null;
  runs?.watchForAbandonedRuns();
  logger.info(
    {
      maintenanceIntervalMs: config.LOOPKIT_MAINTENANCE_INTERVAL_MS,
      evaluationRuns: runs !== null,
    },
    runs
      ? "Loopkit worker started: maintenance, and resuming evaluation runs that stopped processes left"
      : "Loopkit worker started: maintenance only; set LOOPKIT_OPENAI_API_KEY (and LOOPKIT_OPENAI_BASE_URL) to resume evaluation runs too",
  );
  const stop = async (signal: string) => {
    logger.info({ signal }, "worker stopping: finishing the running jobs");
    await Promise.all([maintenance.stop(), runs?.stopAll()]);
    await db.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `loopkit-worker: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

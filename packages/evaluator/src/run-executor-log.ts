import type { RunExecutor, RunExecutorEvent } from "./run-executor.js";

/** Where {@link logRunExecutorEvent} writes: a pino logger fits. */
export interface RunEventLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

/**
 * Logs what became of a run a {@link RunExecutor} executes, one line per event, in the same
 * words in every process (servers and workers): ids, progress and cost, never content.
 */
export function logRunExecutorEvent(logger: RunEventLogger, event: RunExecutorEvent): void {
  if (event.kind === "resumed") {
    const { id, projectId, progress } = event.run;
    logger.info(
      {
        runId: id,
        projectId,
        previousOwner: event.previousOwner,
        done: progress.done + progress.failed,
        total: progress.total,
      },
      "resuming an evaluation run a stopped process left unfinished",
    );
  } else if (event.kind === "finished") {
    const { id, projectId, status, progress, error } = event.run;
    logger.info(
      {
        runId: id,
        projectId,
        status,
        done: progress.done,
        failed: progress.failed,
        costUsd: progress.costUsd,
        ...(error ? { error } : {}),
      },
      `evaluation run ${status}`,
    );
  } else {
    logger.info(
      { runId: event.run.runId, projectId: event.run.projectId, reason: event.reason },
      "evaluation run released unfinished, for the next process to resume",
    );
  }
}

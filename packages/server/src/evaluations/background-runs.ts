import { LoopkitError } from "@loopkit/core";
import { createEvaluationStore, type Database } from "@loopkit/db";
import {
  createRunExecutor,
  type EvaluationRunRecord,
  type NewEvaluationRun,
  type RunExecutor,
  type RunExecutorEvent,
} from "@loopkit/evaluator";
import type { JudgeLlmSettings } from "../services.js";

/** The answer to starting an evaluation on a server without an LLM endpoint. */
export const EVALUATIONS_NEED_LLM =
  "evaluations need an LLM endpoint: set LOOPKIT_OPENAI_API_KEY (and LOOPKIT_OPENAI_BASE_URL, LOOPKIT_JUDGE_MODEL) on the server";

/** How a server executes evaluation runs (part of `createLoopkitServices`' options). */
export interface BackgroundRunOptions {
  /**
   * How long this process may stop renewing its hold on a run before another process on the
   * database resumes the run (default 30 s).
   */
  evaluationLeaseMs?: number;
  /** What happens to runs (resumed here, finished, given up for another process): for logs. */
  onEvaluationRunEvent?: (event: RunExecutorEvent) => void;
}

/**
 * Evaluation runs executing in this process, after the request that started them answered.
 * Each run is held by a lease this process renews (the evaluator's run executor): if the process
 * dies, another one on the same database — a server or a worker with an LLM endpoint — claims
 * the run and resumes it without judging a finished item again; on shutdown (`stopAll`) runs
 * are paused and released, so another process, or this one's next start, resumes them.
 */
export class BackgroundRuns {
  private readonly executor: RunExecutor | null;

  constructor(
    db: Database,
    llm: JudgeLlmSettings | undefined,
    options: BackgroundRunOptions,
    onError: (error: unknown) => void,
  ) {
    this.executor = llm
      ? createRunExecutor({
          store: createEvaluationStore(db),
          llm: { apiKey: llm.apiKey, ...(llm.baseURL ? { baseURL: llm.baseURL } : {}) },
          ...(options.evaluationLeaseMs ? { leaseMs: options.evaluationLeaseMs } : {}),
          // Embedded PGlite belongs to one process: runs held by others are from earlier starts.
          exclusiveDatabase: db.driver === "pglite",
          ...(options.onEvaluationRunEvent ? { onEvent: options.onEvaluationRunEvent } : {}),
          onError,
        })
      : null;
  }

  /** Runs executing here now. */
  get active(): number {
    return this.executor?.active ?? 0;
  }

  /**
   * Creates `run` held by this process and executes it in the background; resolves to the
   * stored run once it is created.
   */
  start(run: NewEvaluationRun): Promise<EvaluationRunRecord> {
    if (!this.executor) {
      throw new LoopkitError("INVALID_CONFIG", EVALUATIONS_NEED_LLM);
    }
    return this.executor.start(run);
  }

  /**
   * Resumes runs that stopped processes left unfinished, now and every half lease until
   * `stopAll`. Returns false (and does nothing) without an LLM endpoint to judge them with.
   */
  watchForAbandonedRuns(): boolean {
    this.executor?.watchForAbandonedRuns();
    return this.executor !== null;
  }

  /** Stops watching, pauses every run executing here and waits until each has stopped. */
  async stopAll(): Promise<void> {
    await this.executor?.stopAll();
  }
}

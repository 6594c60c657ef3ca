import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type {
  EvaluationRunRecord,
  EvaluationStore,
  LeasedEvaluationStore,
  NewEvaluationRun,
  RunLease,
} from "./evaluation-store.js";
import { heartbeat } from "./heartbeat.js";
import { judgeForRun, type LlmEndpoint } from "./judge-for-run.js";
import { executeEvaluationRun } from "./run-evaluation.js";

/** Options of {@link createRunExecutor}. */
export interface RunExecutorOptions {
  store: LeasedEvaluationStore;
  /** The endpoint judges and generators call; each run's model is the one stored with it. */
  llm: LlmEndpoint;
  /**
   * How long this process may stop renewing its hold on a run before another process takes
   * the run over (default 30 s). Renewed every third of it; abandoned runs are looked for
   * every half of it.
   */
  leaseMs?: number;
  /** Abandoned runs are claimed while fewer runs than this execute here (default 4). */
  maxRuns?: number;
  /**
   * The database belongs to this process alone (embedded PGlite): runs held by other owners
   * were left by earlier processes, and are taken over without waiting for their leases.
   */
  exclusiveDatabase?: boolean;
  /** Names this process in leases (default `host:pid:random`). */
  owner?: string;
  /** What happens to runs: resumed here, finished, or given up for another process. */
  onEvent?: (event: RunExecutorEvent) => void;
  /** Failures of the database while executing (the run is given up and resumed later). */
  onError?: (error: unknown, run: RunRef | null) => void;
}

/** A run, by project and id. */
export interface RunRef {
  projectId: string;
  runId: string;
}

/**
 * What a {@link RunExecutor} did with a run. `finished` and `released` are told once the run no
 * longer executes here and its lease is released.
 */
export type RunExecutorEvent =
  /** Claimed from a process that stopped (`previousOwner`, null when it released the run). */
  | { kind: "resumed"; run: EvaluationRunRecord; previousOwner: string | null }
  /** Ended `completed`, `budget_exhausted` or `failed`. */
  | { kind: "finished"; run: EvaluationRunRecord }
  /**
   * Given up unfinished: this executor is stopping, another process took the run over after
   * this one failed to renew its lease, or the database failed; any process resumes it.
   */
  | { kind: "released"; run: RunRef; reason: "stopping" | "lease-lost" | "error" };

/** Executes evaluation runs under leases, so that runs outlive the process that started them. */
export interface RunExecutor {
  /** This process's name in leases. */
  readonly owner: string;
  /** Runs executing here now. */
  readonly active: number;
  /**
   * Creates `run` held by this process and executes it in the background; resolves to the
   * stored run as soon as it is created. If this process stops before the run ends, another
   * one resumes it.
   */
  start(run: NewEvaluationRun): Promise<EvaluationRunRecord>;
  /**
   * One look for abandoned runs: claims them (each by exactly one process) while fewer than
   * `maxRuns` execute here, and executes them in the background. Resolves to how many it claimed.
   */
  resumeAbandonedRuns(): Promise<number>;
  /** Looks for abandoned runs now, then every half lease, until {@link RunExecutor.stopAll}. */
  watchForAbandonedRuns(): void;
  /**
   * Stops looking, aborts the runs executing here and waits until each has stopped: judgments
   * in flight are dropped (their items go back to pending), the run is `paused` and released,
   * so any process resumes it at once.
   */
  stopAll(): Promise<void>;
}

interface Execution {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * A run executor. Every run it executes is held by a lease it renews; a run whose lease expires
 * (its process died) is claimed by another executor on the same database — by exactly one —
 * whose claim puts the items the dead process was judging back to pending. Finished items are
 * never judged again: the run is executed by `executeEvaluationRun`, which claims only pending
 * items, with the judge rebuilt from the run's stored configuration (`judgeForRun`), its stored
 * budget and concurrency. Only one process executes a run at a time, and status changes are
 * fenced by the lease, so a process that lost its run cannot overwrite the new executor's status.
 *
 * A run ends `completed` or `budget_exhausted` as `executeEvaluationRun` decides, or `failed`
 * when its stored judge cannot be rebuilt (the error says why).
 */
export function createRunExecutor(options: RunExecutorOptions): RunExecutor {
  const { store } = options;
  const lease: RunLease = {
    owner: options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    leaseMs: options.leaseMs ?? 30_000,
  };
  const maxRuns = options.maxRuns ?? 4;
  const executions = new Map<string, Execution>();
  // Leases whose release failed (the database was down): released on the next look.
  const unreleased = new Map<string, RunRef>();
  const emit = (event: RunExecutorEvent) => options.onEvent?.(event);
  const report = (error: unknown, run: RunRef | null) => options.onError?.(error, run);
  let stopped = false;
  let looking: Promise<number> | undefined;
  let watchTimer: ReturnType<typeof setTimeout> | undefined;

  /** Store calls of the executing run: status changes only while this process holds it. */
  const fencedStore: EvaluationStore = Object.assign(Object.create(store) as EvaluationStore, {
    setRunStatus: (projectId: string, runId: string, status: EvaluationRunRecord["status"]) =>
      store.setRunStatus(projectId, runId, status, { leaseOwner: lease.owner }),
  });

  /** Executes `run` in the background; its outcome is told once it no longer runs here. */
  function launch(run: EvaluationRunRecord): void {
    const key = `${run.projectId}/${run.id}`;
    const controller = new AbortController();
    const done = execute(run, controller).then((outcome) => {
      executions.delete(key);
      if (outcome) emit(outcome);
    });
    executions.set(key, { controller, done });
  }

  /** Renews the lease every third of it; calls `onLost` when another process holds the run. */
  function keepLease(ref: RunRef, onLost: () => void): { stop(): void } {
    return heartbeat(lease.leaseMs / 3, async () => {
      try {
        if (!(await store.renewRunLease(ref.projectId, ref.runId, lease))) {
          onLost();
          return false;
        }
      } catch (error) {
        report(error, ref);
      }
      return true;
    });
  }

  async function release(ref: RunRef): Promise<void> {
    try {
      await store.releaseRunLease(ref.projectId, ref.runId, lease.owner);
    } catch (error) {
      unreleased.set(`${ref.projectId}/${ref.runId}`, ref);
      report(error, ref);
    }
  }

  /** Executes a run held by this process; resolves to what became of it, once released. */
  async function execute(
    run: EvaluationRunRecord,
    controller: AbortController,
  ): Promise<RunExecutorEvent | null> {
    const ref = { projectId: run.projectId, runId: run.id };
    let lost = false;
    const leaseBeat = keepLease(ref, () => {
      lost = true;
      controller.abort();
    });
    try {
      let rebuilt: ReturnType<typeof judgeForRun>;
      try {
        rebuilt = judgeForRun(run, options.llm);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await store.setRunStatus(run.projectId, run.id, "failed", {
          leaseOwner: lease.owner,
          error: message,
        });
        const failed = await store.getRun(run.projectId, run.id);
        return failed ? { kind: "finished", run: failed } : null;
      }
      const ended = await executeEvaluationRun({
        store: fencedStore,
        projectId: run.projectId,
        runId: run.id,
        judge: rebuilt.judge,
        ...(rebuilt.generators ? { generators: rebuilt.generators } : {}),
        signal: controller.signal,
      });
      if (lost) return { kind: "released", run: ref, reason: "lease-lost" };
      if (controller.signal.aborted) return { kind: "released", run: ref, reason: "stopping" };
      if (ended.status === "running") return { kind: "released", run: ref, reason: "error" };
      return { kind: "finished", run: ended };
    } catch (error) {
      // The database failed mid-run: give the run up; the next look (here or elsewhere) resumes it.
      report(error, ref);
      return { kind: "released", run: ref, reason: lost ? "lease-lost" : "error" };
    } finally {
      leaseBeat.stop();
      await release(ref);
    }
  }

  async function lookForAbandonedRuns(): Promise<number> {
    for (const [key, ref] of unreleased) {
      await store.releaseRunLease(ref.projectId, ref.runId, lease.owner);
      unreleased.delete(key);
    }
    let claimed = 0;
    while (!stopped && executions.size < maxRuns) {
      const got = await store.claimAbandonedRun({
        ...lease,
        takeOverOtherOwners: options.exclusiveDatabase ?? false,
      });
      if (!got) break;
      if (stopped) {
        await release({ projectId: got.run.projectId, runId: got.run.id });
        break;
      }
      claimed += 1;
      emit({ kind: "resumed", run: got.run, previousOwner: got.previousOwner });
      launch(got.run);
    }
    return claimed;
  }

  /** One look at a time: a look asked for while one runs shares it. */
  function resumeAbandonedRuns(): Promise<number> {
    looking ??= lookForAbandonedRuns().finally(() => {
      looking = undefined;
    });
    return looking;
  }

  return {
    owner: lease.owner,
    get active() {
      return executions.size;
    },

    async start(run) {
      const created = await store.createEvaluationRun({ ...run, lease });
      if (stopped) await release({ projectId: created.projectId, runId: created.id });
      else launch(created);
      return created;
    },

    resumeAbandonedRuns,

    watchForAbandonedRuns() {
      const tick = () => {
        if (stopped) return;
        resumeAbandonedRuns()
          .catch((error: unknown) => report(error, null))
          .finally(() => {
            if (!stopped) watchTimer = setTimeout(tick, lease.leaseMs / 2);
          });
      };
      tick();
    },

    async stopAll() {
      stopped = true;
      clearTimeout(watchTimer);
      await looking?.catch(() => {});
      const running = [...executions.values()];
      for (const execution of running) execution.controller.abort();
      await Promise.all(running.map((execution) => execution.done));
    },
  };
}

import type {
  EvaluationItem as EvaluationItemRecord,
  EvaluationRun as EvaluationRunRecord,
  EvaluationRunStatus,
  ItemResult,
  NewEvaluationItem,
  NewEvaluationRun,
  RunLease,
} from "@loopkit/core";

// The run records are defined once, in `@loopkit/core`, and stored by `@loopkit/db`.
export type {
  EvaluationItemRecord,
  EvaluationRunRecord,
  EvaluationRunStatus,
  ItemResult,
  NewEvaluationItem,
  NewEvaluationRun,
  RunLease,
};

/**
 * Where evaluation runs live. `@loopkit/db`'s `createEvaluationStore(db)` implements it on
 * PostgreSQL and PGlite; the records it keeps are `@loopkit/core`'s, so the evaluator needs no
 * database dependency.
 */
export interface EvaluationStore {
  createEvaluationRun(run: NewEvaluationRun): Promise<EvaluationRunRecord>;
  getRun(projectId: string, runId: string): Promise<EvaluationRunRecord | null>;
  listRuns(projectId: string, options?: { limit?: number }): Promise<EvaluationRunRecord[]>;
  setRunStatus(projectId: string, runId: string, status: EvaluationRunStatus): Promise<unknown>;
  /** Claims pending items, and items whose lease expired, for `leaseMs`. */
  claimPendingItems(
    projectId: string,
    runId: string,
    limit: number,
    leaseMs: number,
  ): Promise<EvaluationItemRecord[]>;
  /**
   * Records a judgment if `attempt` (the item's `attempts` when claimed) is still its latest
   * claim; caches it under `cacheKey` when fresh and successful. Returns whether it recorded.
   */
  recordJudgment(
    projectId: string,
    runId: string,
    itemIndex: number,
    attempt: number,
    result: ItemResult,
  ): Promise<boolean>;
  /** Extends the lease of claimed items still `running` to `leaseMs` from now. */
  renewItemLeases(
    projectId: string,
    runId: string,
    itemIndexes: readonly number[],
    leaseMs: number,
  ): Promise<void>;
  /** Puts claimed items back to pending. */
  releaseItems(projectId: string, runId: string, itemIndexes: readonly number[]): Promise<void>;
  listItems(projectId: string, runId: string): Promise<EvaluationItemRecord[]>;
  getCached(projectId: string, cacheKey: string): Promise<unknown | null>;
  putCached(projectId: string, cacheKey: string, value: unknown): Promise<void>;
}

/**
 * Where runs executed under a lease live (see `createRunExecutor`): the evaluation store plus
 * the run leases of `@loopkit/db`'s `createEvaluationStore`.
 */
export interface LeasedEvaluationStore extends EvaluationStore {
  /**
   * Claims one unfinished run created with a lease whose lease was released or expired (every
   * run goes to exactly one claimer), putting its `running` items back to pending.
   */
  claimAbandonedRun(options: {
    owner: string;
    leaseMs: number;
    takeOverOtherOwners?: boolean;
  }): Promise<{ run: EvaluationRunRecord; previousOwner: string | null } | null>;
  /** Extends `lease.owner`'s lease; false when another process holds the run now. */
  renewRunLease(projectId: string, runId: string, lease: RunLease): Promise<boolean>;
  /** Gives the run up so another process can claim it at once. */
  releaseRunLease(projectId: string, runId: string, owner: string): Promise<void>;
  /** Sets the status; with `leaseOwner`, only while that owner holds the run. */
  setRunStatus(
    projectId: string,
    runId: string,
    status: EvaluationRunStatus,
    options?: { error?: string; leaseOwner?: string },
  ): Promise<unknown>;
}

/**
 * Where evaluation runs live. `@loopkit/db`'s `createEvaluationStore(db)` implements it on
 * PostgreSQL and PGlite; these types mirror that package's so the evaluator needs no database
 * dependency.
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
  /** Records a judgment; caches it under `cacheKey` when fresh and successful. */
  recordJudgment(
    projectId: string,
    runId: string,
    itemIndex: number,
    result: ItemResult,
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

/** A process's hold on a run it executes, renewed while it works. */
export interface RunLease {
  owner: string;
  leaseMs: number;
}

/**
 * Run lifecycle; a run left `running` by a crashed process resumes when executed again.
 * `failed`: the run cannot be executed (its record's `error` says why).
 */
export type EvaluationRunStatus =
  | "pending"
  | "running"
  | "paused"
  | "budget_exhausted"
  | "completed"
  | "failed";

/** One item of a new run; `outputs` holds `output` (rubric) or `a` and `b` (pairwise). */
export interface NewEvaluationItem {
  version: string;
  baselineVersion?: string | null;
  requestId?: string | null;
  input: unknown;
  outputs: Record<string, unknown>;
  expected?: unknown;
  humanRating?: number | null;
}

/** A run to create. */
export interface NewEvaluationRun {
  projectId: string;
  id?: string;
  name?: string | null;
  kind: "rubric" | "reference" | "pairwise";
  judgeConfig: Record<string, unknown>;
  versions: string[];
  budgetUsd?: number | null;
  /** Items judged at once; a resumed run keeps it. */
  concurrency?: number | null;
  metadata?: Record<string, unknown>;
  /** Created held by this lease, and so resumed by another process if the holder stops. */
  lease?: RunLease;
  items: NewEvaluationItem[];
}

/** A stored run with its progress. */
export interface EvaluationRunRecord {
  projectId: string;
  id: string;
  name: string | null;
  kind: "rubric" | "reference" | "pairwise";
  status: EvaluationRunStatus;
  judgeConfig: Record<string, unknown>;
  versions: string[];
  budgetUsd: number | null;
  concurrency: number | null;
  /** Resumed by another process when its executor stops (it was created with a lease). */
  autoResume: boolean;
  /** Why it `failed`, else null. */
  error: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  progress: {
    total: number;
    pending: number;
    running: number;
    done: number;
    failed: number;
    cached: number;
    costUsd: number;
    inputTokens: number;
    outputTokens: number;
  };
}

/** A stored item. */
export interface EvaluationItemRecord {
  itemIndex: number;
  version: string;
  baselineVersion: string | null;
  requestId: string | null;
  input: unknown;
  outputs: Record<string, unknown>;
  expected: unknown;
  humanRating: number | null;
  status: "pending" | "running" | "done" | "failed";
  attempts: number;
  cached: boolean;
  judgment: unknown;
  costUsd: number;
  error: string | null;
}

/** The result of one item. */
export interface ItemResult {
  status: "done" | "failed";
  judgment: unknown;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  cached: boolean;
  error: string | null;
  cacheKey: string | null;
  outputs?: Record<string, unknown> | null;
}

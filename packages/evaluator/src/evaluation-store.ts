/**
 * Where evaluation runs live. `@loopkit/db`'s `createEvaluationStore(db)` implements it on
 * PostgreSQL and PGlite; these types mirror that package's so the evaluator needs no database
 * dependency.
 */
export interface EvaluationStore {
  createEvaluationRun(run: NewEvaluationRun): Promise<EvaluationRunRecord>;
  getRun(projectId: string, runId: string): Promise<EvaluationRunRecord | null>;
  listRuns(projectId: string, options?: { limit?: number }): Promise<EvaluationRunRecord[]>;
  setRunStatus(projectId: string, runId: string, status: EvaluationRunStatus): Promise<void>;
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

/** Run lifecycle; a run left `running` by a crashed process resumes when executed again. */
export type EvaluationRunStatus =
  | "pending"
  | "running"
  | "paused"
  | "budget_exhausted"
  | "completed";

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
  metadata?: Record<string, unknown>;
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

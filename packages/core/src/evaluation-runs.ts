/**
 * The records of offline evaluation runs: what `@loopkit/evaluator`'s `EvaluationStore` reads
 * and writes, and what `@loopkit/db`'s `createEvaluationStore(db)` stores. Defined here, below
 * both, so that the evaluator needs no database dependency and the two cannot drift apart.
 */

/** Kinds of judge an evaluation run uses. */
export type EvaluationRunKind = "rubric" | "reference" | "pairwise";

/**
 * Lifecycle of a run. A run left `running` by a crashed process is resumed by running it again
 * (runs created with a lease are claimed and resumed by another process, see `run-leases.ts`);
 * `failed` means it cannot be executed, and its `error` says why.
 */
export type EvaluationRunStatus =
  | "pending"
  | "running"
  | "paused"
  | "budget_exhausted"
  | "completed"
  | "failed";

/** Lifecycle of an item. */
export type EvaluationItemStatus = "pending" | "running" | "done" | "failed";

/** One item of a new run. `outputs` holds `output` (rubric) or `a` and `b` (pairwise). */
export interface NewEvaluationItem {
  version: string;
  baselineVersion?: string | null;
  requestId?: string | null;
  input: unknown;
  outputs: Record<string, unknown>;
  expected?: unknown;
  humanRating?: number | null;
}

/** A run to create, with all its items. */
export interface NewEvaluationRun {
  projectId: string;
  /** Defaults to a random UUID. */
  id?: string;
  name?: string | null;
  kind: EvaluationRunKind;
  /** The judge's description (model, template version, criteria…). */
  judgeConfig: Record<string, unknown>;
  versions: string[];
  budgetUsd?: number | null;
  /** Items judged at once, kept so that a resumed run keeps it. */
  concurrency?: number | null;
  metadata?: Record<string, unknown>;
  /**
   * Created held by this process's lease: the run is then resumed by another process (see
   * `claimAbandonedRun`) if this one stops renewing the lease. Without it, nothing resumes the
   * run but its creator.
   */
  lease?: RunLease;
  items: NewEvaluationItem[];
}

/** A process's hold on a run it executes, renewed while it works. */
export interface RunLease {
  /** Identifies the process, e.g. `host:pid:random`. */
  owner: string;
  /** How long the hold lasts without a renewal. */
  leaseMs: number;
}

/** Counts and cost of a run's items so far. */
export interface EvaluationProgress {
  total: number;
  pending: number;
  running: number;
  done: number;
  failed: number;
  cached: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

/** A stored run with its progress. */
export interface EvaluationRun {
  projectId: string;
  id: string;
  name: string | null;
  kind: EvaluationRunKind;
  status: EvaluationRunStatus;
  judgeConfig: Record<string, unknown>;
  versions: string[];
  budgetUsd: number | null;
  /** Items judged at once when it was started, or null for the executor's default. */
  concurrency: number | null;
  /** Whether another process resumes it when its executor stops (it was created with a lease). */
  autoResume: boolean;
  /** Why it `failed`, else null. */
  error: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  progress: EvaluationProgress;
}

/** A stored item. */
export interface EvaluationItem {
  itemIndex: number;
  version: string;
  baselineVersion: string | null;
  requestId: string | null;
  input: unknown;
  outputs: Record<string, unknown>;
  expected: unknown;
  humanRating: number | null;
  status: EvaluationItemStatus;
  attempts: number;
  cached: boolean;
  judgment: unknown;
  costUsd: number;
  error: string | null;
}

/** The result of judging one item. */
export interface ItemResult {
  status: "done" | "failed";
  /** The judgment as JSON (judge model, template version, raw output, scores, tokens, cost). */
  judgment: unknown;
  /** Dollars paid for this item now (0 when served from the cache). */
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  cached: boolean;
  error: string | null;
  /** Content hash; with `status: "done"` and `cached: false`, the judgment is cached under it. */
  cacheKey: string | null;
  /** Outputs to store when they were generated during the run. */
  outputs?: Record<string, unknown> | null;
}

/** Kinds of judge an evaluation run uses. */
export type EvaluationRunKind = "rubric" | "reference" | "pairwise";

/** Lifecycle of a run. A run left `running` by a crashed process is resumed by running it again. */
export type EvaluationRunStatus =
  | "pending"
  | "running"
  | "paused"
  | "budget_exhausted"
  | "completed";

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
  metadata?: Record<string, unknown>;
  items: NewEvaluationItem[];
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

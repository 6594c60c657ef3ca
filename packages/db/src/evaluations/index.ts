export type {
  EvaluationItem,
  EvaluationItemStatus,
  EvaluationProgress,
  EvaluationRun,
  EvaluationRunKind,
  EvaluationRunStatus,
  ItemResult,
  NewEvaluationItem,
  NewEvaluationRun,
  RunLease,
} from "@loopkit/core";
export { createEvaluationStore } from "./evaluation-store.js";
export {
  claimPendingItems,
  listEvaluationItems,
  MAX_ITEM_ATTEMPTS,
  recordJudgment,
  releaseItems,
  renewItemLeases,
} from "./items.js";
export { getCachedJudgment, putCachedJudgment } from "./judge-cache.js";
export {
  type ClaimedRun,
  type ClaimOptions,
  claimAbandonedRun,
  releaseRunLease,
  renewRunLease,
} from "./run-leases.js";
export {
  createEvaluationRun,
  getEvaluationRun,
  listEvaluationRuns,
  setEvaluationRunStatus,
} from "./runs.js";
export type { SqlClient } from "./sql-client.js";

import {
  claimPendingItems,
  listEvaluationItems,
  recordJudgment,
  releaseItems,
  renewItemLeases,
} from "./items.js";
import { getCachedJudgment, putCachedJudgment } from "./judge-cache.js";
import { claimAbandonedRun, releaseRunLease, renewRunLease } from "./run-leases.js";
import {
  createEvaluationRun,
  getEvaluationRun,
  listEvaluationRuns,
  setEvaluationRunStatus,
} from "./runs.js";
import type { SqlClient } from "./sql-client.js";

/**
 * The evaluation queries bound to one database: the object `@loopkit/evaluator` takes as its
 * `EvaluationStore` (and, with the run leases, as the store of its run executor).
 */
export function createEvaluationStore(db: SqlClient) {
  return {
    createEvaluationRun: (run: Parameters<typeof createEvaluationRun>[1]) =>
      createEvaluationRun(db, run),
    getRun: (projectId: string, runId: string) => getEvaluationRun(db, projectId, runId),
    listRuns: (projectId: string, options?: { limit?: number }) =>
      listEvaluationRuns(db, projectId, options),
    setRunStatus: (...args: DropFirst<Parameters<typeof setEvaluationRunStatus>>) =>
      setEvaluationRunStatus(db, ...args),
    claimPendingItems: (...args: DropFirst<Parameters<typeof claimPendingItems>>) =>
      claimPendingItems(db, ...args),
    recordJudgment: (...args: DropFirst<Parameters<typeof recordJudgment>>) =>
      recordJudgment(db, ...args),
    releaseItems: (...args: DropFirst<Parameters<typeof releaseItems>>) =>
      releaseItems(db, ...args),
    renewItemLeases: (...args: DropFirst<Parameters<typeof renewItemLeases>>) =>
      renewItemLeases(db, ...args),
    listItems: (projectId: string, runId: string) => listEvaluationItems(db, projectId, runId),
    claimAbandonedRun: (options: Parameters<typeof claimAbandonedRun>[1]) =>
      claimAbandonedRun(db, options),
    renewRunLease: (...args: DropFirst<Parameters<typeof renewRunLease>>) =>
      renewRunLease(db, ...args),
    releaseRunLease: (...args: DropFirst<Parameters<typeof releaseRunLease>>) =>
      releaseRunLease(db, ...args),
    getCached: (projectId: string, cacheKey: string) => getCachedJudgment(db, projectId, cacheKey),
    putCached: (projectId: string, cacheKey: string, value: unknown) =>
      putCachedJudgment(db, projectId, cacheKey, value),
  };
}

type DropFirst<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;

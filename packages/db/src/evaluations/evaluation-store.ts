import { claimPendingItems, listEvaluationItems, recordJudgment, releaseItems } from "./items.js";
import { getCachedJudgment, putCachedJudgment } from "./judge-cache.js";
import {
  createEvaluationRun,
  getEvaluationRun,
  listEvaluationRuns,
  setEvaluationRunStatus,
} from "./runs.js";
import type { SqlClient } from "./sql-client.js";

/**
 * The evaluation queries bound to one database: the object `@loopkit/evaluator` takes as its
 * `EvaluationStore`.
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
    listItems: (projectId: string, runId: string) => listEvaluationItems(db, projectId, runId),
    getCached: (projectId: string, cacheKey: string) => getCachedJudgment(db, projectId, cacheKey),
    putCached: (projectId: string, cacheKey: string, value: unknown) =>
      putCachedJudgment(db, projectId, cacheKey, value),
  };
}

type DropFirst<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;

// biome-ignore-all assist/source/organizeImports: the evaluation queries' re-export stays last, by the package's convention.
export {
  type ApiKeyRecord,
  findApiKeyByHash,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  touchApiKey,
} from "./api-keys.js";
export {
  type Approval,
  type ApprovalSubject,
  decideApproval,
  getApproval,
  listApprovals,
  requestApproval,
} from "./approvals.js";
export { type AuditEntry, listAudit, recordAudit } from "./audit-log.js";
export { createDatabase, type Database, type DatabaseOptions, type Queryable } from "./database.js";
export { pingDatabase } from "./database-ping.js";
export { countEvents, exposureCounts } from "./event-counts.js";
export {
  type ExperimentDecision,
  type ExperimentVerdict,
  getFirstDecision,
  recordFirstDecision,
} from "./experiment-decisions.js";
export {
  createExperiment,
  type ExperimentRecord,
  type ExperimentStatus,
  getExperiment,
  listExperiments,
  setExperimentStatus,
} from "./experiments.js";
export { lockFirstStart } from "./first-start-lock.js";
export { type InsertOutcome, insertEvents } from "./insert-events.js";
export {
  type FeedbackItem,
  type FeedbackTarget,
  listFeedback,
  MAX_FEEDBACK_PAGE,
} from "./list-feedback.js";
export { type MaintenanceResult, runMaintenance } from "./maintenance.js";
export {
  DEFAULT_FOLD_INTERVAL_MS,
  type MaintenanceLogger,
  type MaintenanceSchedule,
  type MaintenanceScheduleOptions,
  scheduleMaintenance,
} from "./maintenance-schedule.js";
export { applyRetention, type RetentionOptions, type RetentionResult } from "./retention.js";
export { type FoldResult, foldUserRollups } from "./user-rollup-fold.js";
export {
  type ListRequestsOptions,
  listRequests,
  MAX_PAGE_SIZE,
  type RequestPage,
} from "./list-requests.js";
export {
  type MigrationOptions,
  maintainPartitions,
  migrate,
  migrationStatus,
} from "./migrations.js";
export {
  createProject,
  getProject,
  listProjects,
  type Project,
  updateProjectSettings,
} from "./projects.js";
export {
  createPromptVersion,
  getPromptVersion,
  listPromptVersions,
  type PromptVersionRecord,
  type PromptVersionStatus,
  setPromptVersionStatus,
} from "./prompt-versions.js";
export type { FeedbackRecord, RequestRecord } from "./request-rows.js";
export { MAX_SAMPLE_SIZE, type SampleOptions, sampleRequests } from "./sample-requests.js";
export { type ShadowComparison, shadowComparisons } from "./shadow-comparisons.js";
export {
  recordShadowResult,
  type ShadowResult,
  type ShadowSummary,
  shadowSummaries,
} from "./shadow-results.js";
export type {
  StoredEvent,
  StoredExposureEvent,
  StoredFeedbackEvent,
  StoredLogEvent,
} from "./stored-events.js";
export {
  type AggregateFilter,
  type BucketedVersionAggregate,
  NO_VERSION,
  versionAggregates,
} from "./version-aggregates.js";

// The evaluation queries (owned by the evaluator engineer).
export * from "./evaluations/index.js";

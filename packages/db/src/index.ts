export {
  type ApiKeyRecord,
  findApiKeyByHash,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  touchApiKey,
} from "./api-keys.js";
export { createDatabase, type Database, type DatabaseOptions, type Queryable } from "./database.js";
export * from "./evaluations/index.js";
export { countEvents, exposureCounts } from "./event-counts.js";
export { type InsertOutcome, insertEvents } from "./insert-events.js";
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

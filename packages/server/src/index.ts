export type { FeedbackItem, ShadowComparison } from "@loopkit/db";
export {
  type ApiKeyKind,
  apiKeyPrefix,
  generateApiKey,
  hashApiKey,
  isApiKeyOfKind,
} from "./auth/api-keys.js";
export type { BackgroundRunOptions, BackgroundRuns } from "./evaluations/background-runs.js";
export type {
  AssignmentConfig,
  AssignmentConfigs,
} from "./experiments/assignment-configs.js";
export { createFetchHandler } from "./http/fetch.js";
export { createNodeHandler, type NodeHandlerOptions } from "./http/node.js";
export type { CorsOrigins } from "./http/policy.js";
export type { IngestResult } from "./ingest/ingest-batch.js";
export type { EventResult } from "./ingest/validate.js";
export { type AppRouter, appRouter, type RouterInputs, type RouterOutputs } from "./root.js";
export { type CreatedApiKey, issueApiKey } from "./routers/projects.js";
export {
  createLoopkitServices,
  DEFAULT_LIMITS,
  type IngestCounts,
  type InputRefusal,
  type JudgeLlmSettings,
  type LoopkitServices,
  type LoopkitServicesOptions,
  type ServerLimits,
} from "./services.js";
export { createCallerFactory, createContext } from "./trpc.js";

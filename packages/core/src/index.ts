export type { VersionAggregate } from "./aggregates.js";
export { newEventId } from "./ids.js";
export { type JsonValue, Metadata } from "./schemas/common.js";
export {
  ExperimentConfig,
  type ExperimentConfigInput,
  ExperimentVariant,
  PromptVersionConfig,
} from "./schemas/configs.js";
export {
  BUILTIN_FEEDBACK,
  ChatMessage,
  Content,
  ExposureEvent,
  type ExposureEventInput,
  FeedbackEvent,
  type FeedbackEventInput,
  IngestEvent,
  type IngestEventInput,
  LogEvent,
  type LogEventInput,
  TokenUsage,
} from "./schemas/events.js";
export { describeIssues, type FieldIssue, toFieldIssues } from "./schemas/issues.js";
export { LIMITS } from "./schemas/limits.js";
export { LoopkitError, type LoopkitErrorCode } from "./errors.js";

export {
  emptyVersionAggregate,
  type LatencyIntervals,
  UNIT_PRODUCTS,
  type UnitMoments,
  type UnitProduct,
  type UnitTotal,
  type VersionAggregate,
} from "./aggregates.js";
export {
  type AssignableExperiment,
  type Assignment,
  assignVariant,
  type VariantSpec,
} from "./assignment/assign-variant.js";
export {
  type BucketRange,
  chooseVariation,
  fnv1a32,
  getBucketRange,
  getEqualWeights,
  hash,
  inNamespace,
  type Namespace,
} from "./assignment/growthbook-hash.js";
export { LoopkitError, type LoopkitErrorCode } from "./errors.js";
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
} from "./evaluation-runs.js";
export { newEventId } from "./ids.js";
export { BUILTIN_KINDS, type BuiltinKind } from "./redaction/kinds.js";
export {
  type CustomPattern,
  type RedactionFinding,
  type RedactOptions,
  type RedactResult,
  redact,
} from "./redaction/redact.js";
export {
  type DeepRedactionFinding,
  type RedactDeepResult,
  redactDeep,
} from "./redaction/redact-deep.js";
export type { Pseudonymizer, RedactionStrategy } from "./redaction/replacement.js";
export { type SamplingRule, sampleRateFor, shouldSample } from "./sampling.js";
export { Metadata } from "./schemas/common.js";
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
export {
  boundedJsonObject,
  type JsonBounds,
  type JsonObject,
  type JsonValue,
} from "./schemas/json.js";
export { LIMITS } from "./schemas/limits.js";
export { BoundedNumber, TokenCount } from "./schemas/numbers.js";
export { SafeText, unsafeTextReason } from "./schemas/safe-text.js";
export { hashUserId } from "./user-id.js";

export { canonicalJson, contentHash } from "./content-hash.js";
export {
  type Criterion,
  CriterionConfig,
  DEFAULT_CRITERIA,
  REFERENCE_CRITERIA,
} from "./criteria.js";
export {
  DatasetItem,
  datasetFromInteractions,
  type LoggedInteraction,
  loadJsonlDataset,
  outputOf,
  parseJsonlDataset,
} from "./dataset.js";
export { type EvalCommandIO, runEvalCommand } from "./eval-command.js";
export { EVAL_USAGE, EvalConfigFile } from "./eval-command-config.js";
export { formatPairwiseSummary, formatVersionSummary } from "./eval-command-output.js";
export {
  type CompareVersionsOptions,
  type ComparisonRunOptions,
  compareVersionsOffline,
  comparisonRun,
  type EvaluateVersionOptions,
  evaluatePromptVersion,
  type OfflineRunOptions,
  type VersionComparisonOffline,
  type VersionEvaluation,
  type VersionEvaluationRunOptions,
  versionEvaluationRun,
} from "./evaluate.js";
export type {
  EvaluationItemRecord,
  EvaluationRunRecord,
  EvaluationRunStatus,
  EvaluationStore,
  ItemResult,
  LeasedEvaluationStore,
  NewEvaluationItem,
  NewEvaluationRun,
  RunLease,
} from "./evaluation-store.js";
export { generatorsFor, judgeForRun, type LlmEndpoint, type RunJudge } from "./judge-for-run.js";
export type { CriterionScore, Judgment, PairwiseOutcome, PairwiseVerdict } from "./judgment.js";
export {
  costOf,
  createLlmClient,
  DEFAULT_PRICING,
  type LlmConfig,
  type ModelPricing,
  type TokenCounts,
} from "./llm-client.js";
export {
  type CandidatePrompt,
  candidateMessages,
  createOutputGenerator,
  type GeneratedOutput,
  type OutputGenerator,
} from "./output-generator.js";
export {
  combineVerdicts,
  createPairwiseJudge,
  type PairwiseJudge,
  type PairwiseJudgeConfig,
  type PairwiseJudgeItem,
} from "./pairwise-judge.js";
export { TEMPLATE_VERSIONS } from "./prompt-templates.js";
export {
  createReferenceJudge,
  createRubricJudge,
  overallScore,
  type RubricJudge,
  type RubricJudgeConfig,
  type RubricJudgeItem,
} from "./rubric-judge.js";
export {
  type EvaluationProgressEvent,
  type ExecuteRunOptions,
  executeEvaluationRun,
} from "./run-evaluation.js";
export {
  createRunExecutor,
  type RunExecutor,
  type RunExecutorEvent,
  type RunExecutorOptions,
  type RunRef,
} from "./run-executor.js";
export { logRunExecutorEvent, type RunEventLogger } from "./run-executor-log.js";
export {
  type JudgeHumanAgreement,
  judgeHumanAgreement,
  type PairwiseSummary,
  summarizePairwiseRun,
  summarizeRubricRun,
  type VersionScoreSummary,
} from "./run-summary.js";
export type { StructuredErrorCode } from "./structured-call.js";

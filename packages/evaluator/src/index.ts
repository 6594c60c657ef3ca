export {
  type Criterion,
  CriterionConfig,
  DEFAULT_CRITERIA,
  REFERENCE_CRITERIA,
} from "./criteria.js";
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

export {
  type CorrelationResult,
  cohensKappa,
  type KappaWeights,
  spearman,
} from "./agreement.js";
export {
  type BayesianComparison,
  type BetaPrior,
  chanceToBeatControl,
  chanceToBeatControlBeta,
} from "./bayesian.js";
export {
  type CompareVersionsOptions,
  compareVersions,
  type MetricComparison,
  type Verdict,
  type VersionComparison,
  type VersionSummary,
} from "./compare-versions.js";
export { chiSquareCdf, chiSquareSf } from "./distributions/chi-square.js";
export { normalCdf, normalQuantile } from "./distributions/normal.js";
export { studentTCdf, studentTQuantile } from "./distributions/student-t.js";
export {
  analyzeExperiment,
  type ExperimentAnalysis,
  type ExperimentDecision,
  type ExperimentInput,
  type Guardrail,
  type GuardrailResult,
  type PrimaryMetricResult,
  type VariantResult,
} from "./experiment.js";
export { experimentWeights } from "./experiment-weights.js";
export type { Interval } from "./interval.js";
export {
  type MannWhitneyOptions,
  type MannWhitneyResult,
  mannWhitneyU,
} from "./mann-whitney.js";
export {
  METRIC_NAMES,
  METRICS,
  type MetricDefinition,
  type MetricDirection,
  type MetricName,
} from "./metric-definitions.js";
export { benjaminiHochberg, holm } from "./multiple-testing.js";
export {
  type ProportionSample,
  type TwoProportionTestResult,
  twoProportionZTest,
  wilsonInterval,
} from "./proportions.js";
export { type QuantileRanks, quantileIntervalRanks } from "./quantile-interval.js";
export {
  type AggregateRecordsOptions,
  aggregateRecords,
  type RequestFeedback,
  type RequestRecord,
} from "./records.js";
export { type MeanEstimate, type RelativeLift, relativeLift } from "./relative-lift.js";
export { type SampleSize, sampleSizeForMeans, sampleSizeForProportions } from "./sample-size.js";
export {
  type ConfidenceSequenceInput,
  type ConfidenceSequenceResult,
  confidenceSequence,
  DEFAULT_SEQUENTIAL_TUNING,
} from "./sequential.js";
export { SRM_THRESHOLD, type SrmResult, srmTest } from "./srm.js";
export type { IntervalMethod, MetricEstimate } from "./version-metrics.js";
export { type MeanSummary, type WelchTestResult, welchTTest } from "./welch.js";

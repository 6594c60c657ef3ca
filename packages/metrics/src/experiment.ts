import { LoopkitError, type VersionAggregate } from "@loopkit/core";
import { chanceToBeatControl, chanceToBeatControlBeta } from "./bayesian.js";
import { normalQuantile } from "./distributions/normal.js";
import { requireInput } from "./errors.js";
import type { Interval } from "./interval.js";
import {
  METRIC_NAMES,
  METRICS,
  type MetricDirection,
  type MetricName,
} from "./metric-definitions.js";
import { type MetricDifference, metricDifference } from "./metric-difference.js";
import { holm } from "./multiple-testing.js";
import { type SampleSize, sampleSizeForMeans, sampleSizeForProportions } from "./sample-size.js";
import { confidenceSequence, DEFAULT_SEQUENTIAL_TUNING } from "./sequential.js";
import { type SrmResult, srmTest } from "./srm.js";
import { isClustered } from "./version-metrics.js";

/** A guardrail: the variant may not make `metric` worse by more than this share (0.05 = 5%). */
export interface Guardrail {
  metric: MetricName | string;
  maxRelativeDegradation: number;
}

/** Input of {@link analyzeExperiment}. */
export interface ExperimentInput {
  /** One aggregate per variant, control included (from the database or `aggregateRecords`). */
  variants: readonly VersionAggregate[];
  /** The control variant's key. */
  control: string;
  /** Configured traffic weights by variant key; default: equal. */
  weights?: Readonly<Record<string, number>>;
  /** A metric name (`taskSuccessRate`) or a built-in feedback name (`task_succeeded`). */
  primaryMetric: MetricName | string;
  guardrails?: readonly Guardrail[];
  /** Minimum detectable effect on the primary metric, absolute (0.02 = two points for a rate). */
  mde?: number;
  /** Default 0.05. Split across the variants (Bonferroni) when there are more than two arms. */
  alpha?: number;
  /** Default 0.8; used with `mde`. */
  power?: number;
  /** Analyse with always-valid confidence sequences, so the result may be read at any time. */
  sequential?: { tuning?: number };
  /** Units exposed per variant, for the sample ratio mismatch check. */
  exposures?: readonly { variant: string; units: number }[];
}

/** What to do now. */
export type ExperimentDecision = "keep_running" | "ship_variant" | "stop";

/** The primary metric of one variant against control. */
export interface PrimaryMetricResult {
  metric: MetricName;
  direction: MetricDirection;
  controlValue: number | null;
  value: number | null;
  difference: number | null;
  relativeDifference: number | null;
  /** Fixed-horizon interval of the difference at 1 − α (per variant). */
  interval: Interval | null;
  pValue: number | null;
  /** Holm-adjusted across the variants. */
  adjustedPValue: number | null;
  /** Always-valid interval and p-value, when the analysis is sequential. */
  sequential: { interval: Interval; pValue: number; alpha: number } | null;
  /** Probability the variant is better than control (in the metric's good direction). */
  chanceToBeatControl: number | null;
  /** Expected loss of shipping the variant, in the metric's units. */
  expectedLoss: number | null;
  verdict: "better" | "worse" | "inconclusive" | "missing";
}

/** A guardrail checked for one variant. */
export interface GuardrailResult {
  metric: MetricName;
  maxRelativeDegradation: number;
  /** Relative change in the bad direction (0.1 = 10% worse); null without data. */
  degradation: number | null;
  /** Interval of the degradation (always-valid when sequential). */
  interval: Interval | null;
  /** pass: surely within the limit; fail: surely beyond it; inconclusive: not yet known. */
  status: "pass" | "fail" | "inconclusive" | "missing";
}

/** One variant's analysis. */
export interface VariantResult {
  variant: string;
  primary: PrimaryMetricResult;
  guardrails: GuardrailResult[];
  decision: ExperimentDecision;
  reasons: string[];
}

/** The result of {@link analyzeExperiment}; plain JSON. */
export interface ExperimentAnalysis {
  control: string;
  primaryMetric: MetricName;
  alpha: number;
  sequential: boolean;
  /**
   * What variances were taken over: `user` when the variants' requests carry user ids (each
   * user's requests together, delta-method variances), else `request`.
   */
  unit: "user" | "request";
  /** null without exposures. */
  srm: (SrmResult & { variants: string[] }) | null;
  variants: VariantResult[];
  decision: ExperimentDecision;
  /** The variant to ship when the decision is `ship_variant`. */
  winner: string | null;
  reasons: string[];
  /**
   * Units per variant (users when `unit` is `user`) needed to detect `mde` with the given power;
   * null without `mde`.
   */
  sampleSize: (SampleSize & { mde: number; power: number; alpha: number }) | null;
}

const FEEDBACK_METRICS: Record<string, MetricName> = {
  task_succeeded: "taskSuccessRate",
  rating: "meanRating",
  thumbs: "thumbsUpRate",
  copied: "copiedRate",
  regenerated: "regeneratedRate",
  edited: "editedRate",
  abandoned: "abandonedRate",
  flagged: "flagRate",
  error: "errorRate",
  cost: "meanCostMicros",
};

/** Resolves a metric name or built-in feedback name to a testable metric, or throws. */
function testableMetric(name: string, where: string): MetricName {
  const metric = (FEEDBACK_METRICS[name] ?? name) as MetricName;
  requireInput(
    (METRIC_NAMES as readonly string[]).includes(metric) &&
      METRICS[metric].source.kind !== "percentile",
    where,
    `"${name}" is not a metric that can be tested`,
    `Use a rate or mean: ${METRIC_NAMES.filter((m) => METRICS[m].source.kind !== "percentile").join(", ")}, or a feedback name such as task_succeeded.`,
  );
  return metric;
}

/** Signed so that positive means "better" for the metric. */
function goodSign(direction: MetricDirection): number {
  return direction === "higher_is_better" ? 1 : -1;
}

/** Bayesian reading in the metric's good direction: beta-binomial for rates, normal for means. */
function bayesian(metric: MetricName, diff: MetricDifference): { chance: number; loss: number } {
  const sign = goodSign(METRICS[metric].direction);
  if (diff.counts) {
    const r = chanceToBeatControlBeta(diff.counts.control, diff.counts.variant);
    return sign > 0
      ? { chance: r.chanceToBeatControl, loss: r.expectedLossVariant }
      : { chance: 1 - r.chanceToBeatControl, loss: r.expectedLossControl };
  }
  const r = chanceToBeatControl({
    mean: sign * diff.difference,
    standardError: diff.standardError,
  });
  return { chance: r.chanceToBeatControl, loss: r.expectedLossVariant };
}

/** Stage 3: the primary metric for each variant, Holm-adjusted across variants. */
function analyzePrimary(
  metric: MetricName,
  control: VersionAggregate,
  variants: readonly VersionAggregate[],
  alpha: number,
  sequentialAlpha: number,
  tuning: number | null,
): { result: PrimaryMetricResult; diff: MetricDifference | null }[] {
  const direction = METRICS[metric].direction;
  const diffs = variants.map((v) => metricDifference(metric, control, v, 1 - alpha));
  const tested = diffs.flatMap((d, i) => (d ? [i] : []));
  const adjusted = holm(tested.map((i) => diffs[i]!.pValue));
  return diffs.map((diff, i) => {
    if (!diff) {
      return {
        diff,
        result: {
          metric,
          direction,
          controlValue: null,
          value: null,
          difference: null,
          relativeDifference: null,
          interval: null,
          pValue: null,
          adjustedPValue: null,
          sequential: null,
          chanceToBeatControl: null,
          expectedLoss: null,
          verdict: "missing",
        },
      };
    }
    const adjustedPValue = adjusted[tested.indexOf(i)]!;
    const sequential =
      tuning === null
        ? null
        : {
            ...confidenceSequence({
              estimate: diff.difference,
              standardError: diff.standardError,
              n: diff.controlN + diff.variantN,
              alpha: sequentialAlpha,
              tuning,
            }),
            alpha: sequentialAlpha,
          };
    const significant = sequential ? sequential.pValue < sequentialAlpha : adjustedPValue < alpha;
    const better = goodSign(direction) * diff.difference > 0;
    const { chance, loss } = bayesian(metric, diff);
    return {
      diff,
      result: {
        metric,
        direction,
        controlValue: diff.controlValue,
        value: diff.variantValue,
        difference: diff.difference,
        relativeDifference: diff.relative?.estimate ?? null,
        interval: diff.interval,
        pValue: diff.pValue,
        adjustedPValue,
        sequential: sequential
          ? { interval: sequential.interval, pValue: sequential.pValue, alpha: sequential.alpha }
          : null,
        chanceToBeatControl: chance,
        expectedLoss: loss,
        verdict:
          !significant || diff.difference === 0 ? "inconclusive" : better ? "better" : "worse",
      },
    };
  });
}

/**
 * Stage 4: a guardrail. The degradation is the relative change in the metric's bad direction;
 * its interval is the delta-method interval degradation ± z_{1−α/2}·SE, or the confidence sequence when
 * sequential. pass when the interval lies below the limit, fail when it lies above it.
 */
function checkGuardrail(
  guardrail: Guardrail,
  control: VersionAggregate,
  variant: VersionAggregate,
  alpha: number,
  tuning: number | null,
): GuardrailResult {
  const metric = testableMetric(guardrail.metric, "analyzeExperiment(guardrails.metric)");
  const limit = guardrail.maxRelativeDegradation;
  const diff = metricDifference(metric, control, variant, 1 - alpha);
  const base = { metric, maxRelativeDegradation: limit };
  if (!diff) return { ...base, degradation: null, interval: null, status: "missing" };
  const bad = -goodSign(METRICS[metric].direction);
  const n = diff.controlN + diff.variantN;
  if (!diff.relative) {
    // Control is 0: a relative change is undefined. Any sure worsening is beyond any limit;
    // a variant that cannot be worse than 0 in the bad direction passes.
    const worse = intervalOf(bad * diff.difference, diff.standardError, n, alpha, tuning);
    const status = worse.upper <= 0 ? "pass" : worse.lower > 0 ? "fail" : "inconclusive";
    return { ...base, degradation: null, interval: null, status };
  }
  const degradation = bad * diff.relative.estimate;
  const interval = intervalOf(degradation, diff.relative.standardError, n, alpha, tuning);
  const status =
    interval.upper <= limit ? "pass" : interval.lower > limit ? "fail" : "inconclusive";
  return { ...base, degradation, interval, status };
}

/** The always-valid interval when sequential, else the normal interval estimate ± z·SE. */
function intervalOf(
  estimate: number,
  standardError: number,
  n: number,
  alpha: number,
  tuning: number | null,
): Interval {
  if (tuning !== null) {
    return confidenceSequence({ estimate, standardError, n, alpha, tuning }).interval;
  }
  const z = normalQuantile(1 - alpha / 2);
  return { lower: estimate - z * standardError, upper: estimate + z * standardError };
}

/**
 * Stage 2: the arms are every configured or exposed variant, even one with no requests yet, so
 * units sent to an arm without data or without a weight still count against the split.
 */
function sampleRatio(
  variantKeys: readonly string[],
  weights: Readonly<Record<string, number>> | undefined,
  exposures: readonly { variant: string; units: number }[],
): SrmResult & { variants: string[] } {
  const arms = [
    ...new Set([
      ...(weights ? Object.keys(weights) : variantKeys),
      ...exposures.map((e) => e.variant),
    ]),
  ];
  const configured = weights ? Object.keys(weights) : variantKeys;
  const armWeights = arms.map((k) =>
    weights ? (weights[k] ?? 0) : configured.includes(k) ? 1 / configured.length : 0,
  );
  const units = arms.map((k) =>
    exposures.filter((e) => e.variant === k).reduce((sum, e) => sum + e.units, 0),
  );
  return { ...srmTest(units, armWeights), variants: arms };
}

/** Stage 5: a variant's decision from its primary result and guardrails. */
function decideVariant(
  primary: PrimaryMetricResult,
  diff: MetricDifference | null,
  guardrails: readonly GuardrailResult[],
  plannedN: number | null,
  sequential: boolean,
): { decision: ExperimentDecision; reasons: string[] } {
  const failed = guardrails.filter((g) => g.status === "fail");
  if (failed.length > 0) {
    return {
      decision: "stop",
      reasons: failed.map(
        (g) =>
          `guardrail ${g.metric} is ${g.degradation === null ? "worse than a control at 0" : `${pct(g.degradation)} worse`}, beyond the ${pct(g.maxRelativeDegradation)} allowed`,
      ),
    };
  }
  if (!diff) return { decision: "keep_running", reasons: [`no data yet for ${primary.metric}`] };
  const observed = Math.min(diff.controlN, diff.variantN);
  if (!sequential && plannedN !== null && observed < plannedN) {
    return {
      decision: "keep_running",
      reasons: [
        `${observed} of the ${plannedN} units per arm planned for this fixed-horizon test; read it only at the end, or analyse sequentially`,
      ],
    };
  }
  const pending = guardrails.filter((g) => g.status !== "pass").map((g) => g.metric);
  if (primary.verdict === "better") {
    if (pending.length > 0) {
      return {
        decision: "keep_running",
        reasons: [
          `${primary.metric} is better, but guardrails ${pending.join(", ")} are not yet shown safe`,
        ],
      };
    }
    return {
      decision: "ship_variant",
      reasons: [`${primary.metric} is significantly better: ${evidence(primary)}`],
    };
  }
  if (primary.verdict === "worse") {
    return {
      decision: "stop",
      reasons: [`${primary.metric} is significantly worse: ${evidence(primary)}`],
    };
  }
  if (!sequential && plannedN !== null) {
    return {
      decision: "stop",
      reasons: [`reached the planned ${plannedN} units per arm without a significant difference`],
    };
  }
  return {
    decision: "keep_running",
    reasons: [
      sequential
        ? `${primary.metric}: no significant difference yet (always-valid p = ${primary.sequential?.pValue.toPrecision(3)})`
        : `${primary.metric}: no significant difference yet; without mde or sequential analysis, repeated looks inflate false positives`,
    ],
  };
}

/** "0.6 → 0.639 (+6.6%), always-valid p = 0.0393" */
function evidence(primary: PrimaryMetricResult): string {
  const p = primary.sequential
    ? `always-valid p = ${primary.sequential.pValue.toPrecision(3)}`
    : `adjusted p = ${primary.adjustedPValue?.toPrecision(3)}`;
  const lift =
    primary.relativeDifference === null
      ? ""
      : ` (${primary.relativeDifference >= 0 ? "+" : ""}${pct(primary.relativeDifference)})`;
  return `${primary.controlValue?.toPrecision(3)} → ${primary.value?.toPrecision(3)}${lift}, ${p}`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/**
 * Analyses an A/B test on prompt versions.
 *
 * Stages: (1) validate and find the control; (2) check the sample ratio (exposures against
 * weights, flagged at p < 0.001); (3) compare the primary metric of each variant with control —
 * fixed-horizon test with Holm adjustment across variants, always-valid confidence sequence when
 * `sequential` (α split across variants), Bayesian chance to beat control and expected loss;
 * over users when the requests carry user ids (delta-method variances of per-user totals, Deng
 * et al. 2018; the sequence's n counts users), over requests otherwise; (4) check guardrails; (5) decide per variant and overall (`keep_running | ship_variant |
 * stop`); (6) size the test for `mde`.
 *
 * The analysis sees only the current aggregates. The sequential guarantee (false positives ≤ α
 * however often it is read) is for the first look at which it decides, so a caller that reads it
 * repeatedly should record that first `ship_variant`/`stop` rather than let a later look undo it.
 */
export function analyzeExperiment(input: ExperimentInput): ExperimentAnalysis {
  // (1) Validate.
  const alpha = input.alpha ?? 0.05;
  requireInput(
    alpha > 0 && alpha < 1,
    "analyzeExperiment(alpha)",
    `must lie in (0, 1), got ${alpha}`,
    "Pass e.g. 0.05.",
  );
  const primaryMetric = testableMetric(input.primaryMetric, "analyzeExperiment(primaryMetric)");
  requireInput(
    input.variants.length >= 2,
    "analyzeExperiment(variants)",
    `needs control and at least one variant, got ${input.variants.length}`,
    "Pass one aggregate per variant, control included.",
  );
  const control = input.variants.find((v) => v.version === input.control);
  if (!control) {
    throw new LoopkitError(
      "NOT_FOUND",
      `analyzeExperiment: control "${input.control}" is not among the variants (${input.variants.map((v) => `"${v.version}"`).join(", ")}). Pass the control's variant key.`,
    );
  }
  const others = input.variants.filter((v) => v !== control);
  const clustered = input.variants.some(isClustered);
  const sequentialAlpha = alpha / others.length;
  const tuning = input.sequential ? (input.sequential.tuning ?? DEFAULT_SEQUENTIAL_TUNING) : null;
  const keys = input.variants.map((v) => v.version);
  const weights = keys.map((k) => (input.weights ? input.weights[k] : 1 / keys.length));
  requireInput(
    weights.every((w) => w !== undefined),
    "analyzeExperiment(weights)",
    `no weight for ${keys.filter((_, i) => weights[i] === undefined).join(", ")}`,
    "Give every variant a weight, or omit weights for an equal split.",
  );

  // (2) Sample ratio mismatch.
  let srm: ExperimentAnalysis["srm"] = null;
  if (input.exposures) srm = sampleRatio(keys, input.weights, input.exposures);

  // (6, early: the decisions need it) Sample size.
  let sampleSize: ExperimentAnalysis["sampleSize"] = null;
  const power = input.power ?? 0.8;
  const designAlpha = alpha / others.length;
  if (input.mde !== undefined) {
    const source = METRICS[primaryMetric].source;
    if (source.kind === "proportion" && !clustered) {
      const s = source.sample(control);
      const baseRate = s.n > 0 ? s.successes / s.n : Number.NaN;
      if (baseRate > 0 && baseRate < 1) {
        sampleSize = {
          ...sampleSizeForProportions({ baseRate, mde: input.mde, alpha: designAlpha, power }),
          mde: input.mde,
          power,
          alpha: designAlpha,
        };
      }
    } else {
      // A mean, or any metric over users: the per-unit sd of the (linearised) metric.
      const d = metricDifference(primaryMetric, control, control, 1 - alpha);
      if (d && d.controlSd > 0) {
        sampleSize = {
          ...sampleSizeForMeans({ sd: d.controlSd, mde: input.mde, alpha: designAlpha, power }),
          mde: input.mde,
          power,
          alpha: designAlpha,
        };
      }
    }
  }

  // (3) Primary metric, (4) guardrails, (5) per-variant decisions.
  const primaries = analyzePrimary(primaryMetric, control, others, alpha, sequentialAlpha, tuning);
  const variants = others.map((variant, i): VariantResult => {
    const { result: primary, diff } = primaries[i]!;
    const guardrails = (input.guardrails ?? []).map((g) =>
      checkGuardrail(g, control, variant, sequentialAlpha, tuning),
    );
    const { decision, reasons } = decideVariant(
      primary,
      diff,
      guardrails,
      sampleSize?.perVariant ?? null,
      tuning !== null,
    );
    return { variant: variant.version, primary, guardrails, decision, reasons };
  });

  // (5) Overall decision.
  const base = {
    control: control.version,
    primaryMetric,
    alpha,
    sequential: tuning !== null,
    unit: clustered ? ("user" as const) : ("request" as const),
    srm,
    variants,
    sampleSize,
  };
  if (srm?.mismatch) {
    return {
      ...base,
      decision: "stop",
      winner: null,
      reasons: [
        `sample ratio mismatch (p = ${srm.pValue?.toExponential(2)}): units do not follow the configured weights, so assignment or logging is broken; fix it before trusting any result`,
      ],
    };
  }
  const shipping = variants.filter((v) => v.decision === "ship_variant");
  if (shipping.length > 0) {
    const sign = goodSign(METRICS[primaryMetric].direction);
    const winner = shipping.reduce((best, v) =>
      sign * (v.primary.difference ?? 0) > sign * (best.primary.difference ?? 0) ? v : best,
    );
    return { ...base, decision: "ship_variant", winner: winner.variant, reasons: winner.reasons };
  }
  if (variants.every((v) => v.decision === "stop")) {
    return { ...base, decision: "stop", winner: null, reasons: variants.flatMap((v) => v.reasons) };
  }
  return {
    ...base,
    decision: "keep_running",
    winner: null,
    reasons: variants.flatMap((v) => v.reasons.map((r) => `${v.variant}: ${r}`)),
  };
}

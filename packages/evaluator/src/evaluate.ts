import { LoopkitError } from "@loopkit/core";
import { type DatasetItem, outputOf } from "./dataset.js";
import type {
  EvaluationItemRecord,
  EvaluationRunRecord,
  EvaluationStore,
  NewEvaluationItem,
  NewEvaluationRun,
} from "./evaluation-store.js";
import { generatorsFor } from "./judge-for-run.js";
import type { OutputGenerator } from "./output-generator.js";
import type { PairwiseJudge } from "./pairwise-judge.js";
import type { RubricJudge } from "./rubric-judge.js";
import { type ExecuteRunOptions, executeEvaluationRun } from "./run-evaluation.js";
import {
  type PairwiseSummary,
  summarizePairwiseRun,
  summarizeRubricRun,
  type VersionScoreSummary,
} from "./run-summary.js";

/** Options shared by {@link evaluatePromptVersion} and {@link compareVersionsOffline}. */
export interface OfflineRunOptions
  extends Pick<
    ExecuteRunOptions,
    "concurrency" | "leaseMs" | "useCache" | "signal" | "onProgress"
  > {
  store: EvaluationStore;
  projectId: string;
  /** The items to judge; ignored when resuming (`runId`). */
  dataset?: readonly DatasetItem[];
  /** Resume this run instead of creating one. */
  runId?: string;
  name?: string;
  /** Stop cleanly once the run has cost this many dollars. */
  budgetUsd?: number | null;
}

/** Rubric (or reference) evaluation of one prompt version. */
export interface EvaluateVersionOptions extends OfflineRunOptions {
  version: string;
  judge: RubricJudge;
  /** Regenerates outputs the dataset lacks for `version` (a candidate prompt). */
  generator?: OutputGenerator;
  /** Overall score (0–1) at or above which an item passes (default 0.75). */
  passThreshold?: number;
}

/** A finished (or stopped) run and its summary. */
export interface VersionEvaluation {
  run: EvaluationRunRecord;
  summary: VersionScoreSummary;
}

/**
 * Judges one prompt version's outputs on a dataset with a rubric or reference judge, persisting
 * the run (resumable, cached, within budget), and summarises it: mean score with interval,
 * per-criterion means, pass rate with Wilson interval, cost, judge–human agreement.
 * Outputs come from the dataset, or from `generator` where the dataset has none.
 */
export async function evaluatePromptVersion(
  options: EvaluateVersionOptions,
): Promise<VersionEvaluation> {
  const { run, items } = await executeToEnd(options, versionEvaluationRun);
  const criteria = options.judge.describe().criteria as { name: string }[] | undefined;
  const summary = summarizeRubricRun(items, {
    passThreshold: options.passThreshold,
    criteriaOrder: criteria?.map((c) => c.name),
  })[0];
  return { run, summary: summary ?? emptySummary(options.version) };
}

/** What {@link versionEvaluationRun} builds a run from. */
export type VersionEvaluationRunOptions = Pick<
  EvaluateVersionOptions,
  "projectId" | "dataset" | "name" | "budgetUsd" | "concurrency" | "version" | "judge" | "generator"
>;

/**
 * The run {@link evaluatePromptVersion} creates, to create and execute elsewhere (a run
 * executor): its items, checked to have an output for `version` (or a generator to make it) and,
 * for a reference judge, an expected answer; the judge's and the generator's descriptions, from
 * which `judgeForRun` rebuilds them; the budget and the concurrency.
 */
export function versionEvaluationRun(options: VersionEvaluationRunOptions): NewEvaluationRun {
  return {
    projectId: options.projectId,
    name: options.name ?? `${options.version} (${options.judge.kind})`,
    kind: options.judge.kind,
    judgeConfig: {
      ...options.judge.describe(),
      generator: options.generator?.describe() ?? null,
    },
    versions: [options.version],
    budgetUsd: options.budgetUsd ?? null,
    concurrency: options.concurrency ?? null,
    items: rubricItems(
      options.dataset ?? [],
      options.version,
      options.generator,
      options.judge.kind === "reference",
    ),
  };
}

/** Pairwise comparison of two versions. */
export interface CompareVersionsOptions extends OfflineRunOptions {
  /** Version `a`, usually production. */
  baseline: string;
  /** Version `b`, the candidate. */
  candidate: string;
  judge: PairwiseJudge;
  /** Regenerates the candidate's outputs where the dataset has none. */
  generator?: OutputGenerator;
}

/** A finished (or stopped) pairwise run and its summary. */
export interface VersionComparisonOffline {
  run: EvaluationRunRecord;
  summary: PairwiseSummary;
}

/**
 * Compares a candidate version with a baseline on the same inputs with a pairwise judge (each
 * pair judged in both orders), persisting the run, and summarises wins, ties, the candidate's
 * win rate with a Wilson interval, and the judge's position consistency.
 */
export async function compareVersionsOffline(
  options: CompareVersionsOptions,
): Promise<VersionComparisonOffline> {
  const { run, items } = await executeToEnd(options, comparisonRun);
  return { run, summary: summarizePairwiseRun(items, options.baseline, options.candidate) };
}

/** What {@link comparisonRun} builds a run from. */
export type ComparisonRunOptions = Pick<
  CompareVersionsOptions,
  | "projectId"
  | "dataset"
  | "name"
  | "budgetUsd"
  | "concurrency"
  | "baseline"
  | "candidate"
  | "judge"
  | "generator"
>;

/**
 * The run {@link compareVersionsOffline} creates, to create and execute elsewhere: items with
 * the baseline's output as `a` and the candidate's as `b` (checked, unless a generator makes
 * the candidate's), the judge's and generator's descriptions, the budget and the concurrency.
 */
export function comparisonRun(options: ComparisonRunOptions): NewEvaluationRun {
  const { baseline, candidate } = options;
  return {
    projectId: options.projectId,
    name: options.name ?? `${candidate} vs ${baseline}`,
    kind: "pairwise",
    judgeConfig: {
      ...options.judge.describe(),
      generator: options.generator?.describe() ?? null,
    },
    versions: [baseline, candidate],
    budgetUsd: options.budgetUsd ?? null,
    concurrency: options.concurrency ?? null,
    items: pairwiseItems(options.dataset ?? [], baseline, candidate, options.generator),
  };
}

/**
 * Creates the run `newRun` builds from `options`, unless `options.runId` names one to resume;
 * executes it until it ends (or the budget or `signal` stops it); and reads its items back.
 */
async function executeToEnd<
  O extends OfflineRunOptions & { judge: RubricJudge | PairwiseJudge; generator?: OutputGenerator },
>(
  options: O,
  newRun: (options: O) => NewEvaluationRun,
): Promise<{ run: EvaluationRunRecord; items: EvaluationItemRecord[] }> {
  const runId = options.runId ?? (await options.store.createEvaluationRun(newRun(options))).id;
  const run = await executeEvaluationRun({
    ...options,
    runId,
    generators: generatorsFor(options.judge.kind, options.generator),
  });
  return { run, items: await options.store.listItems(options.projectId, runId) };
}

function rubricItems(
  dataset: readonly DatasetItem[],
  version: string,
  generator: OutputGenerator | undefined,
  needsExpected: boolean,
): NewEvaluationItem[] {
  const missing: number[] = [];
  const noExpected: number[] = [];
  const items = dataset.map((item, index) => {
    const output = outputOf(item, version);
    if (output === undefined && !generator) missing.push(index + 1);
    if (needsExpected && item.expected === undefined) noExpected.push(index + 1);
    return {
      version,
      requestId: item.requestId ?? null,
      input: item.input,
      outputs: output === undefined ? {} : { output },
      expected: item.expected,
      humanRating: item.humanRating ?? null,
    };
  });
  requireOutputs(missing, version);
  if (noExpected.length > 0) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `dataset items ${listed(noExpected)} have no "expected" answer, which the reference judge compares with. Add "expected" to them, or use the rubric judge.`,
    );
  }
  return items;
}

function pairwiseItems(
  dataset: readonly DatasetItem[],
  baseline: string,
  candidate: string,
  generator: OutputGenerator | undefined,
): NewEvaluationItem[] {
  const missingBaseline: number[] = [];
  const missingCandidate: number[] = [];
  const items = dataset.map((item, index) => {
    const a = outputOf(item, baseline);
    const b = outputOf(item, candidate);
    if (a === undefined) missingBaseline.push(index + 1);
    if (b === undefined && !generator) missingCandidate.push(index + 1);
    return {
      version: candidate,
      baselineVersion: baseline,
      requestId: item.requestId ?? null,
      input: item.input,
      outputs: b === undefined ? { a } : { a, b },
      expected: item.expected,
      humanRating: item.humanRating ?? null,
    };
  });
  requireOutputs(missingBaseline, baseline);
  requireOutputs(missingCandidate, candidate);
  return items;
}

function requireOutputs(missing: number[], version: string): void {
  if (missing.length === 0) return;
  throw new LoopkitError(
    "INVALID_INPUT",
    `dataset items ${listed(missing)} have no output for version "${version}". Add "outputs": {"${version}": …} (or "output" with "version": "${version}") to them, or give a candidate prompt to regenerate outputs.`,
  );
}

/** Item numbers (1-based), at most ten. */
function listed(numbers: readonly number[]): string {
  return numbers.slice(0, 10).join(", ") + (numbers.length > 10 ? ", …" : "");
}

function emptySummary(version: string): VersionScoreSummary {
  return {
    version,
    items: 0,
    judged: 0,
    failed: 0,
    meanScore: null,
    meanScoreInterval: null,
    criteria: {},
    passRate: null,
    passRateInterval: null,
    costUsd: 0,
    agreement: null,
  };
}

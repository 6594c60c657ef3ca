import {
  cohensKappa,
  type Interval,
  spearman,
  studentTQuantile,
  wilsonInterval,
} from "@loopkit/metrics";
import type { EvaluationItemRecord } from "./evaluation-store.js";
import type { Judgment } from "./judgment.js";

/** How judge scores agree with human ratings on the items that have both. */
export interface JudgeHumanAgreement {
  /** Items with both a judge score and a human rating. */
  n: number;
  /**
   * Quadratic-weighted Cohen's kappa between human ratings (1–5) and the judge's overall score
   * mapped onto 1–5 (1 + 4 × overall, rounded); null when undefined (no variation).
   */
  weightedKappa: number | null;
  /** Spearman's ρ between the judge's overall score and the human rating, with its p-value. */
  spearmanRho: number | null;
  spearmanPValue: number | null;
}

/** A rubric evaluation of one version. */
export interface VersionScoreSummary {
  version: string;
  items: number;
  judged: number;
  failed: number;
  /** Mean overall score (0–1) of the judged items, with a 95% Student-t interval. */
  meanScore: number | null;
  meanScoreInterval: Interval | null;
  /** Mean score per criterion, on the criterion's own scale. */
  criteria: Record<string, number>;
  /** Share of judged items with overall ≥ the pass threshold, with a 95% Wilson interval. */
  passRate: number | null;
  passRateInterval: Interval | null;
  costUsd: number;
  agreement: JudgeHumanAgreement | null;
}

/** A pairwise comparison of a candidate against a baseline. */
export interface PairwiseSummary {
  baseline: string;
  candidate: string;
  items: number;
  judged: number;
  failed: number;
  candidateWins: number;
  baselineWins: number;
  ties: number;
  /** Candidate wins among decisive pairs, with a 95% Wilson interval; null without any. */
  winRate: number | null;
  winRateInterval: Interval | null;
  /** Share of judged pairs where both position orders agreed (1 = no position bias seen). */
  positionConsistency: number | null;
  costUsd: number;
}

function judgmentOf(item: EvaluationItemRecord): Judgment | null {
  return item.status === "done" ? (item.judgment as Judgment | null) : null;
}

/**
 * Summarises the rubric (or reference) judgments of a run, one summary per version. Criteria
 * are listed in `criteriaOrder` (the judge's order) when given: stored JSON keeps no key order.
 */
export function summarizeRubricRun(
  items: readonly EvaluationItemRecord[],
  options: { passThreshold?: number; criteriaOrder?: readonly string[] } = {},
): VersionScoreSummary[] {
  const passThreshold = options.passThreshold ?? 0.75;
  const versions = [...new Set(items.map((i) => i.version))];
  return versions.map((version) => {
    const mine = items.filter((i) => i.version === version);
    const judged = mine.filter((i) => judgmentOf(i)?.status === "ok");
    const overall = judged.map((i) => judgmentOf(i)!.overall!);
    const criteria: Record<string, number> = {};
    for (const name of options.criteriaOrder ?? []) if (judged.length > 0) criteria[name] = 0;
    for (const item of judged) {
      for (const [name, { score }] of Object.entries(judgmentOf(item)!.scores ?? {})) {
        criteria[name] = (criteria[name] ?? 0) + score / judged.length;
      }
    }
    const passes = overall.filter((s) => s >= passThreshold).length;
    return {
      version,
      items: mine.length,
      judged: judged.length,
      failed: mine.filter((i) => i.status === "failed").length,
      meanScore: overall.length > 0 ? mean(overall) : null,
      meanScoreInterval: meanInterval(overall),
      criteria,
      passRate: overall.length > 0 ? passes / overall.length : null,
      passRateInterval: wilsonInterval(passes, overall.length),
      costUsd: mine.reduce((sum, i) => sum + i.costUsd, 0),
      agreement: judgeHumanAgreement(judged),
    };
  });
}

/** Summarises the pairwise judgments of a run. */
export function summarizePairwiseRun(
  items: readonly EvaluationItemRecord[],
  baseline: string,
  candidate: string,
): PairwiseSummary {
  const outcomes = items
    .map((i) => judgmentOf(i)?.pairwise)
    .filter((p): p is NonNullable<typeof p> => p != null);
  const candidateWins = outcomes.filter((o) => o.winner === "b").length;
  const baselineWins = outcomes.filter((o) => o.winner === "a").length;
  const decisive = candidateWins + baselineWins;
  return {
    baseline,
    candidate,
    items: items.length,
    judged: outcomes.length,
    failed: items.filter((i) => i.status === "failed").length,
    candidateWins,
    baselineWins,
    ties: outcomes.length - decisive,
    winRate: decisive > 0 ? candidateWins / decisive : null,
    winRateInterval: wilsonInterval(candidateWins, decisive),
    positionConsistency:
      outcomes.length > 0 ? outcomes.filter((o) => o.consistent).length / outcomes.length : null,
    costUsd: items.reduce((sum, i) => sum + i.costUsd, 0),
  };
}

/** Agreement between judge and human on judged items that carry a human rating (1–5). */
export function judgeHumanAgreement(
  judged: readonly EvaluationItemRecord[],
): JudgeHumanAgreement | null {
  const pairs = judged
    .filter((i) => i.humanRating != null && judgmentOf(i)?.overall != null)
    .map((i) => ({ human: i.humanRating!, judge: judgmentOf(i)!.overall! }));
  if (pairs.length < 2) return null;
  const toScale = (value: number) => Math.min(5, Math.max(1, Math.round(value)));
  const human = pairs.map((p) => toScale(p.human));
  const judge = pairs.map((p) => toScale(1 + 4 * p.judge));
  const rank = spearman(
    pairs.map((p) => p.judge),
    pairs.map((p) => p.human),
  );
  return {
    n: pairs.length,
    weightedKappa: cohensKappa(judge, human, {
      weights: "quadratic",
      categories: [1, 2, 3, 4, 5],
    }),
    spearmanRho: rank.rho,
    spearmanPValue: rank.pValue,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** mean ± t(0.975, n−1)·s/√n, clipped to the 0–1 range of overall scores; null below 2 values. */
function meanInterval(values: readonly number[]): Interval | null {
  if (values.length < 2) return null;
  const m = mean(values);
  const variance = values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1);
  const half = studentTQuantile(0.975, values.length - 1) * Math.sqrt(variance / values.length);
  return { lower: Math.max(0, m - half), upper: Math.min(1, m + half) };
}

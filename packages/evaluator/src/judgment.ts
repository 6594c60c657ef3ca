import type { TokenCounts } from "./llm-client.js";

/** One criterion's score and the judge's reason for it. */
export interface CriterionScore {
  score: number;
  rationale: string;
}

/** One order of a pairwise comparison: which position won and why. */
export interface PairwiseVerdict {
  /** Which candidate was shown first. */
  order: "a-first" | "b-first";
  /** The winner as the judge named it (by position). */
  position: "first" | "second" | "tie";
  /** The winner mapped back to the candidate. */
  winner: "a" | "b" | "tie";
  rationale: string;
}

/** The outcome of a pairwise comparison judged in both orders. */
export interface PairwiseOutcome {
  /** `a` or `b` only when both orders agree; otherwise `tie`. */
  winner: "a" | "b" | "tie";
  /** Whether both orders gave the same answer. */
  consistent: boolean;
  verdicts: PairwiseVerdict[];
}

/**
 * Everything a judge did for one item, kept so a score can be audited later. A judgment whose
 * output stayed invalid after its retry has `status: "failed"`, an `error`, and no scores.
 */
export interface Judgment {
  kind: "rubric" | "reference" | "pairwise";
  status: "ok" | "failed";
  judgeModel: string;
  /** The prompt template's id and version, e.g. `rubric@1`. */
  templateVersion: string;
  /** The judge's raw message contents, one per call, in order. */
  rawOutputs: string[];
  /** Rubric and reference judges: scores by criterion name. */
  scores: Record<string, CriterionScore> | null;
  /** Rubric and reference judges: the mean score rescaled to 0–1. */
  overall: number | null;
  /** Pairwise judges: the combined outcome of both orders. */
  pairwise: PairwiseOutcome | null;
  /** Why the judgment failed. */
  error: string | null;
  /** LLM calls made, retries of invalid output included. */
  calls: number;
  tokens: TokenCounts;
  costUsd: number;
}

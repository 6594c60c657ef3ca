import type { Content } from "@loopkit/core";
import type OpenAI from "openai";
import { z } from "zod";
import { contentText } from "./content-text.js";
import { type Criterion, DEFAULT_CRITERIA, scaleOf } from "./criteria.js";
import type { Judgment, PairwiseOutcome, PairwiseVerdict } from "./judgment.js";
import { addTokens, costOf, createLlmClient, type LlmConfig } from "./llm-client.js";
import { pairwiseSystemPrompt, pairwiseUserPrompt, TEMPLATE_VERSIONS } from "./prompt-templates.js";
import { callStructured, structuredFormat } from "./structured-call.js";

/** Configuration of a pairwise judge. */
export interface PairwiseJudgeConfig {
  llm: LlmConfig;
  /** What "better" means (default {@link DEFAULT_CRITERIA}). */
  criteria?: readonly Criterion[];
  temperature?: number;
}

/** Two answers to the same input; `a` is usually the baseline and `b` the candidate. */
export interface PairwiseJudgeItem {
  input: Content;
  outputA: Content;
  outputB: Content;
}

/** A pairwise judge. */
export interface PairwiseJudge {
  kind: "pairwise";
  describe(): Record<string, unknown>;
  judge(item: PairwiseJudgeItem, options?: { signal?: AbortSignal }): Promise<Judgment>;
}

const VerdictSchema = z.object({
  rationale: z.string().max(1500),
  winner: z.enum(["first", "second", "tie"]),
});

/**
 * A judge that compares two answers to the same input. Each pair is judged twice, with the
 * positions swapped, to cancel position bias: `a` or `b` wins only when both orders agree, and
 * anything else is a tie. `pairwise.consistent` says whether the two orders agreed; the run's
 * position-consistency rate is the share of consistent pairs.
 */
export function createPairwiseJudge(config: PairwiseJudgeConfig): PairwiseJudge {
  const criteria = config.criteria ?? DEFAULT_CRITERIA;
  const system = pairwiseSystemPrompt(criteria);
  const templateVersion = TEMPLATE_VERSIONS.pairwise;
  const format = structuredFormat(VerdictSchema, "pairwise_verdict");
  let client: OpenAI | undefined;

  return {
    kind: "pairwise",
    describe: () => ({
      kind: "pairwise",
      model: config.llm.model,
      templateVersion,
      criteria: criteria.map((c) => ({ ...c, scale: scaleOf(c) })),
      temperature: config.temperature ?? 0,
    }),
    async judge(item, options = {}) {
      client ??= createLlmClient(config.llm);
      const input = contentText(item.input);
      const a = contentText(item.outputA);
      const b = contentText(item.outputB);
      const ask = (first: string, second: string) =>
        callStructured({
          client: client!,
          model: config.llm.model,
          format,
          temperature: config.temperature ?? 0,
          signal: options.signal,
          messages: [
            { role: "system", content: system },
            { role: "user", content: pairwiseUserPrompt(input, first, second) },
          ],
        });
      const [aFirst, bFirst] = await Promise.all([ask(a, b), ask(b, a)]);
      const tokens = addTokens(aFirst.tokens, bFirst.tokens);
      const failed = aFirst.value === undefined || bFirst.value === undefined;
      const base = {
        kind: "pairwise" as const,
        judgeModel: config.llm.model,
        templateVersion,
        rawOutputs: [...aFirst.rawOutputs, ...bFirst.rawOutputs],
        scores: null,
        overall: null,
        calls: aFirst.calls + bFirst.calls,
        tokens,
        costUsd: costOf(tokens, config.llm.pricing, config.llm.model),
      };
      if (failed) {
        const error = [
          aFirst.error && `a-first: ${aFirst.error}`,
          bFirst.error && `b-first: ${bFirst.error}`,
        ]
          .filter(Boolean)
          .join("; ");
        return { ...base, status: "failed", pairwise: null, error };
      }
      return {
        ...base,
        status: "ok",
        error: null,
        pairwise: combineVerdicts(
          toVerdict("a-first", aFirst.value!.winner, aFirst.value!.rationale),
          toVerdict("b-first", bFirst.value!.winner, bFirst.value!.rationale),
        ),
      };
    },
  };
}

function toVerdict(
  order: PairwiseVerdict["order"],
  position: PairwiseVerdict["position"],
  rationale: string,
): PairwiseVerdict {
  let winner: PairwiseVerdict["winner"] = "tie";
  if (position === "first") winner = order === "a-first" ? "a" : "b";
  if (position === "second") winner = order === "a-first" ? "b" : "a";
  return { order, position, winner, rationale };
}

/** A win only when both orders name the same candidate; any disagreement is a tie. */
export function combineVerdicts(aFirst: PairwiseVerdict, bFirst: PairwiseVerdict): PairwiseOutcome {
  const consistent = aFirst.winner === bFirst.winner;
  return {
    winner: consistent ? aFirst.winner : "tie",
    consistent,
    verdicts: [aFirst, bFirst],
  };
}

import type { Content } from "@loopkit/core";
import type OpenAI from "openai";
import { z } from "zod";
import { contentText } from "./content-text.js";
import { type Criterion, DEFAULT_CRITERIA, REFERENCE_CRITERIA, scaleOf } from "./criteria.js";
import { requireEvaluatorInput } from "./errors.js";
import type { Judgment } from "./judgment.js";
import { costOf, createLlmClient, type LlmConfig } from "./llm-client.js";
import { rubricSystemPrompt, rubricUserPrompt, TEMPLATE_VERSIONS } from "./prompt-templates.js";
import { callStructured, structuredFormat } from "./structured-call.js";

/** Configuration of a rubric judge (or a reference-based judge). */
export interface RubricJudgeConfig {
  llm: LlmConfig;
  /** Criteria to score (default {@link DEFAULT_CRITERIA}, or {@link REFERENCE_CRITERIA}). */
  criteria?: readonly Criterion[];
  /** Sampling temperature of the judge (default 0). */
  temperature?: number;
}

/** What a rubric judge scores: an input, the answer to it, and for a reference judge the expected answer. */
export interface RubricJudgeItem {
  input: Content;
  output: Content;
  expected?: Content;
}

/** A rubric or reference judge. */
export interface RubricJudge {
  kind: "rubric" | "reference";
  /** Everything that changes the judge's answers; part of the cache key. */
  describe(): Record<string, unknown>;
  judge(item: RubricJudgeItem, options?: { signal?: AbortSignal }): Promise<Judgment>;
}

/**
 * A judge that scores one answer on named criteria with structured output. Each criterion gets
 * an integer score on its scale and a short rationale; an invalid reply is retried once with the
 * validation error and then recorded as a failed judgment with no scores.
 */
export function createRubricJudge(config: RubricJudgeConfig): RubricJudge {
  return buildRubricJudge(config, "rubric");
}

/**
 * A judge that scores an answer against an expected (reference) answer. Items must carry
 * `expected`. Default criteria: correctness and completeness relative to the reference.
 */
export function createReferenceJudge(config: RubricJudgeConfig): RubricJudge {
  return buildRubricJudge(config, "reference");
}

function buildRubricJudge(config: RubricJudgeConfig, kind: "rubric" | "reference"): RubricJudge {
  const criteria =
    config.criteria ?? (kind === "reference" ? REFERENCE_CRITERIA : DEFAULT_CRITERIA);
  requireEvaluatorInput(
    criteria.length > 0,
    "judge.criteria",
    "no criteria given",
    "Give at least one criterion, or leave criteria out for the defaults",
  );
  const names = new Set(criteria.map((c) => c.name));
  requireEvaluatorInput(
    names.size === criteria.length,
    "judge.criteria",
    "two criteria share a name",
    "Give every criterion a distinct name",
  );
  const format = structuredFormat(rubricSchema(criteria), "rubric_judgment");
  const templateVersion = TEMPLATE_VERSIONS[kind];
  const system = rubricSystemPrompt(criteria, kind === "reference");
  let client: OpenAI | undefined;

  return {
    kind,
    describe: () => ({
      kind,
      model: config.llm.model,
      templateVersion,
      criteria: criteria.map((c) => ({ ...c, scale: scaleOf(c) })),
      temperature: config.temperature ?? 0,
    }),
    async judge(item, options = {}) {
      requireEvaluatorInput(
        kind !== "reference" || item.expected !== undefined,
        "reference judge",
        "an item has no expected answer",
        "Give every dataset item an `expected` answer, or use the rubric judge",
        "INVALID_INPUT",
      );
      client ??= createLlmClient(config.llm);
      const result = await callStructured({
        client,
        model: config.llm.model,
        format,
        temperature: config.temperature ?? 0,
        signal: options.signal,
        messages: [
          { role: "system", content: system },
          {
            role: "user",
            content: rubricUserPrompt(
              contentText(item.input),
              contentText(item.output),
              item.expected === undefined ? undefined : contentText(item.expected),
            ),
          },
        ],
      });
      const scores = result.value?.scores ?? null;
      return {
        kind,
        status: scores ? "ok" : "failed",
        judgeModel: config.llm.model,
        templateVersion,
        rawOutputs: result.rawOutputs,
        scores,
        overall: scores ? overallScore(scores, criteria) : null,
        pairwise: null,
        error: scores ? null : (result.error ?? "invalid output"),
        calls: result.calls,
        tokens: result.tokens,
        costUsd: costOf(result.tokens, config.llm.pricing, config.llm.model),
      };
    },
  };
}

/** One object property per criterion, each `{ rationale, score }` with the score on its scale. */
function rubricSchema(criteria: readonly Criterion[]) {
  const shape: Record<string, z.ZodObject<{ rationale: z.ZodString; score: z.ZodNumber }>> = {};
  for (const criterion of criteria) {
    const { min, max } = scaleOf(criterion);
    shape[criterion.name] = z.object({
      rationale: z.string().max(1000),
      score: z.number().int().min(min).max(max),
    });
  }
  return z.object({ scores: z.object(shape) });
}

/** The mean of the criterion scores, each rescaled to 0–1 on its own scale. */
export function overallScore(
  scores: Record<string, { score: number }>,
  criteria: readonly Criterion[],
): number {
  let sum = 0;
  for (const criterion of criteria) {
    const { min, max } = scaleOf(criterion);
    sum += ((scores[criterion.name]?.score ?? min) - min) / (max - min);
  }
  return sum / criteria.length;
}

import { LoopkitError } from "@loopkit/core";
import { z } from "zod";
import { canonicalJson } from "./content-hash.js";
import type { EvaluationRunRecord } from "./evaluation-store.js";
import type { LlmConfig } from "./llm-client.js";
import { createOutputGenerator, type OutputGenerator } from "./output-generator.js";
import { createPairwiseJudge, type PairwiseJudge } from "./pairwise-judge.js";
import { TEMPLATE_VERSIONS } from "./prompt-templates.js";
import { createReferenceJudge, createRubricJudge, type RubricJudge } from "./rubric-judge.js";

/** How to reach the LLM endpoint; each run brings its own model (stored with its judge). */
export type LlmEndpoint = Omit<LlmConfig, "model">;

/** The judge of a run, and the generators of its missing outputs, by output key. */
export interface RunJudge {
  judge: RubricJudge | PairwiseJudge;
  generators: Partial<Record<string, OutputGenerator>> | undefined;
}

// The stored form of `judge.describe()` plus `generator: generator.describe() | null`, as
// `versionEvaluationRun` and `comparisonRun` write it.
const StoredJudgeConfig = z.object({
  kind: z.enum(["rubric", "reference", "pairwise"]),
  model: z.string().min(1),
  templateVersion: z.string().min(1),
  criteria: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        description: z.string(),
        scale: z.object({ min: z.number().int(), max: z.number().int() }),
      }),
    )
    .min(1),
  temperature: z.number(),
  generator: z
    .object({
      version: z.string().min(1),
      template: z.string().nullable(),
      model: z.string().min(1),
      temperature: z.number(),
    })
    .nullable()
    .default(null),
});

/**
 * Rebuilds the judge (and output generator) of a stored run from its `judgeConfig`, calling
 * `endpoint` with the model the run was started with, so a process that did not start the run
 * can execute it exactly as its starter would: the rebuilt judge describes itself exactly as
 * stored, hence the same prompts and the same cache keys.
 *
 * Throws `INVALID_CONFIG` when the stored configuration cannot be rebuilt — not written by this
 * evaluator's run builders, or by a version with other judge templates — rather than finish a
 * run with a judge other than the one it started with.
 */
export function judgeForRun(
  run: Pick<EvaluationRunRecord, "id" | "kind" | "judgeConfig">,
  endpoint: LlmEndpoint,
): RunJudge {
  const parsed = StoredJudgeConfig.safeParse(run.judgeConfig);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.join(".") || "judgeConfig"}: ${i.message}`)
      .join("; ");
    throw new LoopkitError(
      "INVALID_CONFIG",
      `evaluation run ${run.id}: its stored judge configuration cannot rebuild a judge (${issues}). Runs that another process can resume are created with versionEvaluationRun or comparisonRun; start a new run.`,
    );
  }
  const config = parsed.data;
  const template = TEMPLATE_VERSIONS[config.kind];
  if (config.kind !== run.kind || config.templateVersion !== template) {
    throw new LoopkitError(
      "INVALID_CONFIG",
      `evaluation run ${run.id} was started with the ${config.templateVersion} judge template and this evaluator has ${template} for ${run.kind} runs; resuming would mix two judges in one run. Finish it with the Loopkit version that started it, or start a new run.`,
    );
  }
  const judgeOptions = {
    llm: { ...endpoint, model: config.model },
    criteria: config.criteria,
    temperature: config.temperature,
  };
  const judge =
    config.kind === "pairwise"
      ? createPairwiseJudge(judgeOptions)
      : config.kind === "reference"
        ? createReferenceJudge(judgeOptions)
        : createRubricJudge(judgeOptions);
  const stored = config.generator;
  const generator = stored
    ? createOutputGenerator({
        llm: { ...endpoint, model: stored.model },
        prompt: {
          version: stored.version,
          model: stored.model,
          temperature: stored.temperature,
          ...(stored.template === null ? {} : { template: stored.template }),
        },
      })
    : undefined;
  const { generator: storedGenerator = null, ...storedJudge } = run.judgeConfig;
  if (
    canonicalJson(judge.describe()) !== canonicalJson(storedJudge) ||
    canonicalJson(generator?.describe() ?? null) !== canonicalJson(storedGenerator)
  ) {
    throw new LoopkitError(
      "INVALID_CONFIG",
      `evaluation run ${run.id}: the judge rebuilt from its stored configuration describes itself differently from the one stored (${canonicalJson(run.judgeConfig)}), so it would not judge the same way; start a new run.`,
    );
  }
  return { judge, generators: generatorsFor(config.kind, generator) };
}

/**
 * Where a generator's outputs go in a run's items: `output` for rubric and reference runs,
 * `b` (the candidate) for pairwise runs.
 */
export function generatorsFor(
  kind: EvaluationRunRecord["kind"],
  generator: OutputGenerator | undefined,
): Partial<Record<string, OutputGenerator>> | undefined {
  if (!generator) return undefined;
  return kind === "pairwise" ? { b: generator } : { output: generator };
}

/**
 * Starting an evaluation run from logged traffic, in stages:
 *   1. dataset  — a seeded sample of the project's logged requests (db `sampleRequests`)
 *   2. judge    — rubric judge of one version, or pairwise judge of a candidate against a
 *                 baseline whose candidate outputs are regenerated from its registered prompt
 *   3. persist  — the run with all its items, its judge's configuration, budget and concurrency
 *                 (the answer waits for this), held by this process's lease
 *   4. execute  — in the background, in this process; the run's status, progress and cost are
 *                 read with `evaluations.get` while it executes
 *
 * Why in this process rather than queued for the worker: the run is persisted with everything
 * needed to execute it, under a lease, so executing here costs nothing in safety; it gives
 * results without a worker deployed (the embedded default); and if this process dies, another
 * server or a worker resumes the run (`BackgroundRuns`).
 */
import { LoopkitError } from "@loopkit/core";
import { getPromptVersion, type RequestRecord, sampleRequests } from "@loopkit/db";
import {
  comparisonRun,
  createOutputGenerator,
  createPairwiseJudge,
  createRubricJudge,
  type DatasetItem,
  datasetFromInteractions,
  type EvaluationRunRecord,
  type LlmConfig,
  versionEvaluationRun,
} from "@loopkit/evaluator";
import type { LoopkitServices } from "../services.js";
import { EVALUATIONS_NEED_LLM } from "./background-runs.js";

/** What to sample from the logs. */
export interface SampleSpec {
  size: number;
  promptName?: string | undefined;
  seed?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  withFeedback?: boolean | undefined;
}

/** A run to start: one version judged on a rubric, or a candidate against a baseline. */
export type StartRunInput = {
  name?: string | undefined;
  budgetUsd?: number | undefined;
  concurrency: number;
  sample: SampleSpec;
} & (
  | { kind: "rubric"; version: string }
  | { kind: "pairwise"; baseline: string; candidate: string }
);

/**
 * Samples the dataset, creates the run, and executes it in the background; answers the run.
 * The judges built here only describe themselves into the stored run: the executor rebuilds
 * them from it, as any process resuming the run does.
 */
export async function startEvaluationRun(
  services: LoopkitServices,
  projectId: string,
  input: StartRunInput,
): Promise<EvaluationRunRecord> {
  const settings = services.llm;
  if (!settings) {
    throw new LoopkitError("INVALID_CONFIG", EVALUATIONS_NEED_LLM);
  }
  const llm: LlmConfig = {
    model: settings.model,
    apiKey: settings.apiKey,
    ...(settings.baseURL ? { baseURL: settings.baseURL } : {}),
  };
  const baseVersion = input.kind === "rubric" ? input.version : input.baseline;
  const dataset = await sampleDataset(services, projectId, baseVersion, input.sample);
  const common = {
    projectId,
    dataset,
    concurrency: input.concurrency,
    ...(input.name ? { name: input.name } : {}),
    ...(input.budgetUsd !== undefined ? { budgetUsd: input.budgetUsd } : {}),
  };

  if (input.kind === "rubric") {
    return services.backgroundRuns.start(
      versionEvaluationRun({
        ...common,
        version: input.version,
        judge: createRubricJudge({ llm }),
      }),
    );
  }
  const candidate = await getPromptVersion(
    services.db,
    projectId,
    input.sample.promptName ?? "",
    input.candidate,
  );
  if (!candidate?.template) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `candidate "${input.candidate}" must be a registered version of prompt "${input.sample.promptName}" with a template (prompts.create), so its outputs can be generated`,
    );
  }
  return services.backgroundRuns.start(
    comparisonRun({
      ...common,
      baseline: input.baseline,
      candidate: input.candidate,
      judge: createPairwiseJudge({ llm }),
      generator: createOutputGenerator({
        llm,
        prompt: {
          version: input.candidate,
          template: candidate.template,
          ...(candidate.model ? { model: candidate.model } : {}),
        },
      }),
    }),
  );
}

async function sampleDataset(
  services: LoopkitServices,
  projectId: string,
  version: string,
  sample: SampleSpec,
): Promise<DatasetItem[]> {
  const rows = await sampleRequests(services.db, projectId, {
    size: sample.size,
    versions: [version],
    ...(sample.promptName ? { promptName: sample.promptName } : {}),
    ...(sample.seed ? { seed: sample.seed } : {}),
    ...(sample.from ? { from: new Date(sample.from) } : {}),
    ...(sample.to ? { to: new Date(sample.to) } : {}),
    ...(sample.withFeedback !== undefined ? { withFeedback: sample.withFeedback } : {}),
  });
  const dataset = datasetFromInteractions(
    rows.map((row) => ({
      id: row.id,
      input: row.input,
      output: row.output,
      promptVersion: row.promptVersion ?? null,
      rating: latestRating(row),
    })),
  );
  if (dataset.length === 0) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `no logged requests of version "${version}"${sample.promptName ? ` of prompt "${sample.promptName}"` : ""} with an input and an output match the sample; log some, or widen the sample (time range, withFeedback)`,
    );
  }
  return dataset;
}

/** The request's latest rating on 1–5 (rescaled from its own scale), or null. */
function latestRating(row: RequestRecord): number | null {
  const rating = row.feedback
    .filter((f) => f.name === "rating" && typeof f.value === "number")
    .at(-1);
  if (!rating) return null;
  const value = rating.value as number;
  if (!rating.scale || (rating.scale.min === 1 && rating.scale.max === 5)) return value;
  return 1 + (4 * (value - rating.scale.min)) / (rating.scale.max - rating.scale.min);
}

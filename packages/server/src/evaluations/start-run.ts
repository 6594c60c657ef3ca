/**
 * Starting an evaluation run from logged traffic, in stages:
 *   1. dataset  — a seeded sample of the project's logged requests (db `sampleRequests`)
 *   2. judge    — rubric judge of one version, or pairwise judge of a candidate against a
 *                 baseline whose candidate outputs are regenerated from its registered prompt
 *   3. persist  — the evaluator creates the run with all its items (the answer waits for this)
 *   4. execute  — in the background, in this process; the run's status, progress and cost are
 *                 read with `evaluations.get` while it executes
 *
 * Why in this process rather than queued for the worker: the run is persisted with leased items
 * and is resumable, so executing here costs nothing in safety, gives results without a worker
 * deployed (the embedded default), and a worker can resume runs a stopped server left unfinished.
 */
import { LoopkitError } from "@loopkit/core";
import {
  createEvaluationStore,
  getPromptVersion,
  type RequestRecord,
  sampleRequests,
} from "@loopkit/db";
import {
  compareVersionsOffline,
  createOutputGenerator,
  createPairwiseJudge,
  createRubricJudge,
  type DatasetItem,
  datasetFromInteractions,
  type EvaluationRunRecord,
  type EvaluationStore,
  evaluatePromptVersion,
  type LlmConfig,
} from "@loopkit/evaluator";
import type { LoopkitServices } from "../services.js";

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

/** Samples the dataset, creates the run, and executes it in the background; answers the run. */
export async function startEvaluationRun(
  services: LoopkitServices,
  projectId: string,
  input: StartRunInput,
): Promise<EvaluationRunRecord> {
  const settings = services.llm;
  if (!settings) {
    throw new LoopkitError(
      "INVALID_CONFIG",
      "evaluations need an LLM endpoint: set LOOPKIT_OPENAI_API_KEY (and LOOPKIT_OPENAI_BASE_URL, LOOPKIT_JUDGE_MODEL) on the server",
    );
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
    const judge = createRubricJudge({ llm });
    return inBackground(services, (store, signal) =>
      evaluatePromptVersion({ ...common, store, signal, version: input.version, judge }),
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
  const generator = createOutputGenerator({
    llm,
    prompt: {
      version: input.candidate,
      template: candidate.template,
      ...(candidate.model ? { model: candidate.model } : {}),
    },
  });
  const judge = createPairwiseJudge({ llm });
  return inBackground(services, (store, signal) =>
    compareVersionsOffline({
      ...common,
      store,
      signal,
      baseline: input.baseline,
      candidate: input.candidate,
      judge,
      generator,
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

/**
 * Starts `evaluate` in the background and resolves with the run once it is persisted, or rejects
 * when the evaluator refuses the input before creating it.
 */
function inBackground(
  services: LoopkitServices,
  evaluate: (store: EvaluationStore, signal: AbortSignal) => Promise<unknown>,
): Promise<EvaluationRunRecord> {
  const base = createEvaluationStore(services.db) as EvaluationStore;
  return new Promise<EvaluationRunRecord>((resolve, reject) => {
    const store: EvaluationStore = {
      ...base,
      async createEvaluationRun(run) {
        const created = await base.createEvaluationRun(run);
        resolve(created);
        return created;
      },
    };
    services.backgroundRuns.start(
      (signal) =>
        evaluate(store, signal).catch((error: unknown) => {
          reject(error);
          throw error;
        }),
      services.onBackgroundError,
    );
  });
}

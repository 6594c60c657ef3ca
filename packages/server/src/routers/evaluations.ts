import { BoundedNumber } from "@loopkit/core";
import { createEvaluationStore } from "@loopkit/db";
import { type EvaluationStore, summarizePairwiseRun, summarizeRubricRun } from "@loopkit/evaluator";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { startEvaluationRun } from "../evaluations/start-run.js";
import type { LoopkitServices } from "../services.js";
import { secretProcedure } from "../trpc.js";
import { Label, Name, Timestamp } from "./input-schemas.js";

const Sample = z.object({
  size: z.number().int().min(1).max(500).default(50),
  promptName: Name.optional(),
  seed: Label.optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  withFeedback: z.boolean().optional(),
});

const RunOptions = {
  name: Label.optional(),
  budgetUsd: BoundedNumber.positive().max(10_000).optional(),
  concurrency: z.number().int().min(1).max(32).default(4),
  sample: Sample.default({ size: 50 }),
};

const StartInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("rubric"), version: Name, ...RunOptions }),
  z.object({
    kind: z.literal("pairwise"),
    baseline: Name,
    candidate: Name,
    ...RunOptions,
    sample: Sample.extend({ promptName: Name }),
  }),
]);

const RunId = z.object({ runId: z.uuid() });

function store(services: LoopkitServices): EvaluationStore {
  return createEvaluationStore(services.db) as EvaluationStore;
}

async function requireRun(services: LoopkitServices, projectId: string, runId: string) {
  const run = await store(services).getRun(projectId, runId);
  if (!run) {
    throw new TRPCError({
      code: "NOT_FOUND",
      message: `no evaluation run ${runId} in this project; evaluations.list shows them`,
    });
  }
  return run;
}

/** Offline evaluations with LLM judges on logged traffic: secret keys. */
export const evaluationsRouter = {
  /**
   * Starts a run on a seeded sample of logged requests: `rubric` judges one version's logged
   * outputs; `pairwise` compares a candidate (outputs generated from its registered template)
   * with the baseline's logged outputs. Answers the persisted run at once; it executes in the
   * background — watch it with `evaluations.get`.
   */
  start: secretProcedure
    .input(StartInput)
    .mutation(({ ctx, input }) => startEvaluationRun(ctx.services, ctx.projectId, input)),

  /** A run's status, progress (items done, failed, cached) and cost so far. */
  get: secretProcedure
    .input(RunId)
    .query(({ ctx, input }) => requireRun(ctx.services, ctx.projectId, input.runId)),

  /** The project's runs, newest first. */
  list: secretProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).optional())
    .query(({ ctx, input }) =>
      store(ctx.services).listRuns(ctx.projectId, { limit: input?.limit ?? 50 }),
    ),

  /**
   * A run's results: the summary (per-version mean score and pass rate with intervals and
   * judge–human agreement, or pairwise win rate with its interval and position consistency)
   * and every item's status, judgment and cost.
   */
  results: secretProcedure.input(RunId).query(async ({ ctx, input }) => {
    const run = await requireRun(ctx.services, ctx.projectId, input.runId);
    const items = await store(ctx.services).listItems(ctx.projectId, input.runId);
    const summary =
      run.kind === "pairwise"
        ? {
            kind: "pairwise" as const,
            pairwise: summarizePairwiseRun(items, run.versions[0]!, run.versions[1]!),
          }
        : { kind: run.kind, versions: summarizeRubricRun(items) };
    return { run, summary, items };
  }),
} satisfies TRPCRouterRecord;

import { BoundedNumber, ExperimentConfig, emptyVersionAggregate } from "@loopkit/core";
import {
  createExperiment,
  type ExperimentStatus,
  exposureCounts,
  getExperiment,
  getFirstDecision,
  listExperiments,
  recordAudit,
  recordFirstDecision,
  setExperimentStatus,
  versionAggregates,
} from "@loopkit/db";
import { analyzeExperiment, type ExperimentAnalysis, experimentWeights } from "@loopkit/metrics";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { assignmentConfigs } from "../experiments/assignment-configs.js";
import { projectProcedure, secretProcedure } from "../trpc.js";
import { Name, Person, Token } from "./input-schemas.js";

const KeyInput = z.object({ key: Name, actor: Person.optional() });

/** Experiments: secret keys, except `config`, which browsers read with the public key. */
export const experimentsRouter = {
  /** Creates an experiment (core's `ExperimentConfig`) as a draft. */
  create: secretProcedure.input(ExperimentConfig).mutation(({ ctx, input }) =>
    ctx.services.db.transaction(async (tx) => {
      const record = await createExperiment(tx, ctx.projectId, { ...input, status: "draft" });
      await recordAudit(tx, {
        projectId: ctx.projectId,
        actor: `key:${ctx.keyId}`,
        action: "experiment.create",
        subjectType: "experiment",
        subjectKey: input.key,
        details: { variants: input.variants.map((v) => v.key), coverage: input.coverage },
      });
      return record;
    }),
  ),

  /** The project's experiments, newest first, optionally of one status. */
  list: secretProcedure
    .input(z.object({ status: z.enum(["draft", "running", "stopped"]).optional() }).optional())
    .query(({ ctx, input }) =>
      listExperiments(
        ctx.services.db,
        ctx.projectId,
        input?.status ? { status: input.status } : {},
      ),
    ),

  /** One experiment. */
  get: secretProcedure
    .input(z.object({ key: Name }))
    .query(async ({ ctx, input }) => requireExperiment(ctx.services.db, ctx.projectId, input.key)),

  /** Starts a draft experiment (audited); `config` then serves it to clients. */
  start: secretProcedure
    .input(KeyInput)
    .mutation(({ ctx, input }) =>
      changeStatus(ctx.services.db, ctx.projectId, ctx.keyId, input, "draft", "running"),
    ),

  /** Stops a running experiment (audited); clients stop assigning units to it. */
  stop: secretProcedure
    .input(KeyInput)
    .mutation(({ ctx, input }) =>
      changeStatus(ctx.services.db, ctx.projectId, ctx.keyId, input, "running", "stopped"),
    ),

  /**
   * The running experiments' assignment configs, for the SDK's `variant()` (public keys allowed).
   * Send the `etag` of the last answer as `ifNoneMatch`: when nothing changed the answer is
   * `{ notModified: true, etag }`, so frequent refreshes cost one small query.
   */
  config: projectProcedure
    .input(z.object({ ifNoneMatch: Token.optional() }).optional())
    .query(async ({ ctx, input }) => {
      const running = await listExperiments(ctx.services.db, ctx.projectId, {
        status: "running",
      });
      const answer = assignmentConfigs(running.map((e) => e.config));
      if (input?.ifNoneMatch === answer.etag) {
        return { notModified: true as const, etag: answer.etag };
      }
      return { notModified: false as const, ...answer };
    }),

  /**
   * The experiment's analysis by metrics' `analyzeExperiment`: the primary metric per variant
   * against control (the first variant), guardrails, sample-ratio mismatch from exposures with
   * the configured weights, and a sequential decision that stays valid however often it is read.
   * The first `ship_variant`/`stop` a sequential look at a started experiment reaches is stored,
   * and `decision` reports it (with when it was reached) on every later look, whatever that look
   * alone reads.
   */
  analyze: secretProcedure
    .input(
      z.object({
        key: Name,
        mde: BoundedNumber.positive().max(1e9).optional(),
        alpha: z.number().gt(0).lt(0.5).default(0.05),
        sequential: z.boolean().default(true),
        guardrails: z
          .array(
            z.object({ metric: Name, maxRelativeDegradation: BoundedNumber.positive().max(10) }),
          )
          .max(20)
          .optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const experiment = await requireExperiment(ctx.services.db, ctx.projectId, input.key);
      const config = experiment.config;
      const [aggregates, exposures] = await Promise.all([
        versionAggregates(ctx.services.db, ctx.projectId, {
          groupBy: "variant",
          experimentKey: config.key,
        }),
        exposureCounts(ctx.services.db, ctx.projectId, config.key),
      ]);
      const settings = {
        alpha: input.alpha,
        sequential: input.sequential,
        primaryMetric: config.primaryMetric,
        ...(input.mde !== undefined ? { mde: input.mde } : {}),
        ...(input.guardrails ? { guardrails: input.guardrails } : {}),
      };
      const analysis = analyzeExperiment({
        variants: config.variants.map(
          (v) => aggregates.find((a) => a.version === v.key) ?? emptyVersionAggregate(v.key),
        ),
        control: config.variants[0]!.key,
        weights: experimentWeights(config),
        primaryMetric: config.primaryMetric,
        alpha: input.alpha,
        ...(input.sequential ? { sequential: {} } : {}),
        ...(input.mde !== undefined ? { mde: input.mde } : {}),
        ...(input.guardrails ? { guardrails: input.guardrails } : {}),
        exposures,
      });
      const db = ctx.services.db;
      // Only an always-valid (sequential) reading may decide at any look; a fixed-horizon one
      // is reported but never stored, nor is a look at a draft (whatever it reads was not run).
      const first =
        input.sequential && experiment.startedAt !== null && analysis.decision !== "keep_running"
          ? await recordFirstDecision(db, ctx.projectId, {
              experimentKey: config.key,
              decision: analysis.decision,
              winner: analysis.winner,
              reasons: analysis.reasons,
              settings,
              analysis: JSON.parse(JSON.stringify(analysis)),
            })
          : await getFirstDecision(db, ctx.projectId, config.key);
      return {
        experiment: { key: config.key, status: experiment.status },
        exposures,
        analysis,
        decision: standingDecision(analysis, first),
      };
    }),
} satisfies TRPCRouterRecord;

type Db = Parameters<typeof getExperiment>[0];

async function requireExperiment(db: Db, projectId: string, key: string) {
  const experiment = await getExperiment(db, projectId, key);
  if (!experiment) {
    throw new TRPCError({
      code: "NOT_FOUND",
      message: `no experiment "${key}" in this project; experiments.list shows them`,
    });
  }
  return experiment;
}

async function changeStatus(
  db: { transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> },
  projectId: string,
  keyId: string,
  input: { key: string; actor?: string | undefined },
  from: ExperimentStatus,
  to: ExperimentStatus,
) {
  return db.transaction(async (tx) => {
    const current = await requireExperiment(tx, projectId, input.key);
    if (current.status !== from) {
      throw new TRPCError({
        code: "CONFLICT",
        message: `experiment "${input.key}" is ${current.status}; only a ${from} experiment can become ${to}`,
      });
    }
    const updated = await setExperimentStatus(tx, projectId, input.key, to);
    await recordAudit(tx, {
      projectId,
      actor: input.actor ?? `key:${keyId}`,
      action: to === "running" ? "experiment.start" : "experiment.stop",
      subjectType: "experiment",
      subjectKey: input.key,
      details: { from, to, keyId },
    });
    return updated;
  });
}

/**
 * The decision that stands: the first one a sequential look reached (with when), else this
 * look's. `currentLook` is what this look alone reads, so a disagreement is visible, not silent.
 */
function standingDecision(
  analysis: ExperimentAnalysis,
  first: Awaited<ReturnType<typeof getFirstDecision>>,
) {
  if (!first) {
    return {
      decision: analysis.decision,
      winner: analysis.winner,
      reasons: analysis.reasons,
      reachedAt: null,
      currentLook: analysis.decision,
    };
  }
  const differs = first.decision !== analysis.decision || first.winner !== analysis.winner;
  return {
    decision: first.decision,
    winner: first.winner,
    reasons: differs
      ? [
          ...first.reasons,
          `first reached ${first.decidedAt.toISOString()}; this look alone reads ${analysis.decision}, but a sequential decision holds from the first look that reaches it`,
        ]
      : first.reasons,
    reachedAt: first.decidedAt.toISOString(),
    currentLook: analysis.decision,
  };
}

import { BoundedNumber, LIMITS } from "@loopkit/core";
import { versionAggregates } from "@loopkit/db";
import { compareVersions, METRIC_NAMES } from "@loopkit/metrics";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { secretProcedure } from "../trpc.js";
import { Name } from "./input-schemas.js";

const CompareInput = z.object({
  promptName: Name.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  tags: z.array(Name).max(LIMITS.maxTags).optional(),
  /** The version the others are compared with; default: the one with most requests. */
  baseline: Name.optional(),
  /** Metrics to report and test (Holm-adjusted together); default: all. */
  metrics: z.array(z.enum(METRIC_NAMES)).min(1).max(METRIC_NAMES.length).optional(),
  /** Level of every interval (latency percentile intervals included) and 1 − α of verdicts. */
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  /**
   * Read differences through always-valid confidence sequences, for a dashboard refreshed at
   * will; `tuning` is the total sample size where they are tightest (default 5000).
   */
  sequential: z.object({ tuning: BoundedNumber.positive().max(1e9).optional() }).optional(),
});

/** Quality, safety and cost metrics: secret keys. */
export const metricsRouter = {
  /**
   * Per prompt version: requests, success rate, ratings, flags, cost, cost per success, latency
   * percentiles, each with its interval (over users when requests carry user ids), vs the baseline.
   */
  compareVersions: secretProcedure.input(CompareInput.optional()).query(async ({ ctx, input }) => {
    const filter = input ?? CompareInput.parse({});
    const aggregates = await versionAggregates(ctx.services.db, ctx.projectId, {
      ...(filter.promptName ? { promptName: filter.promptName } : {}),
      ...(filter.from ? { from: new Date(filter.from) } : {}),
      ...(filter.to ? { to: new Date(filter.to) } : {}),
      ...(filter.tags ? { tags: filter.tags } : {}),
      confidence: filter.confidence,
    });
    return compareVersions(aggregates, {
      ...(filter.baseline ? { baseline: filter.baseline } : {}),
      ...(filter.metrics ? { metrics: filter.metrics } : {}),
      ...(filter.sequential
        ? {
            sequential:
              filter.sequential.tuning === undefined ? {} : { tuning: filter.sequential.tuning },
          }
        : {}),
      confidence: filter.confidence,
    });
  }),
} satisfies TRPCRouterRecord;

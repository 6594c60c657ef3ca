import { versionAggregates } from "@loopkit/db";
import { compareVersions } from "@loopkit/metrics";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { secretProcedure } from "../trpc.js";

const CompareInput = z.object({
  promptName: z.string().min(1).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  tags: z.array(z.string().min(1)).max(32).optional(),
  baseline: z.string().min(1).optional(),
  confidence: z.number().gt(0.5).lt(1).default(0.95),
});

/** Quality, safety and cost metrics: secret keys. */
export const metricsRouter = {
  /** Per prompt version: requests, success rate, ratings, flags, cost, latency, vs the baseline. */
  compareVersions: secretProcedure.input(CompareInput.optional()).query(async ({ ctx, input }) => {
    const filter = input ?? CompareInput.parse({});
    const aggregates = await versionAggregates(ctx.services.db, ctx.projectId, {
      ...(filter.promptName ? { promptName: filter.promptName } : {}),
      ...(filter.from ? { from: new Date(filter.from) } : {}),
      ...(filter.to ? { to: new Date(filter.to) } : {}),
      ...(filter.tags ? { tags: filter.tags } : {}),
    });
    return compareVersions(aggregates, {
      ...(filter.baseline ? { baseline: filter.baseline } : {}),
      confidence: filter.confidence,
    });
  }),
} satisfies TRPCRouterRecord;

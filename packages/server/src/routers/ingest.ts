import { LIMITS, LoopkitError } from "@loopkit/core";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { ingestBatch } from "../ingest/ingest-batch.js";
import { ingestProcedure, toTRPCError } from "../trpc.js";

const BatchInput = z.object({
  events: z
    .array(z.unknown())
    .min(1, "send at least one event")
    .max(
      LIMITS.maxBatchEvents,
      `a batch holds at most ${LIMITS.maxBatchEvents} events; split it into smaller batches`,
    ),
});

/** Event ingestion: public and secret keys. */
export const ingestRouter = {
  /**
   * A mixed batch of log, feedback and exposure events. Answers per event (accepted, duplicate,
   * or rejected with field paths and reasons) after the database commit.
   */
  batch: ingestProcedure.input(BatchInput).mutation(async ({ ctx, input }) => {
    try {
      ctx.services.rateLimits.sendEvents(ctx.keyId, input.events.length);
      const result = await ingestBatch(ctx.services, ctx.projectId, input.events);
      ctx.services.onIngested(result);
      return result;
    } catch (error) {
      if (error instanceof LoopkitError) throw toTRPCError(error);
      throw error;
    }
  }),
} satisfies TRPCRouterRecord;

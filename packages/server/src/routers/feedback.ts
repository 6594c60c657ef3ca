import { listFeedback, MAX_FEEDBACK_PAGE } from "@loopkit/db";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { secretProcedure } from "../trpc.js";
import { Name } from "./input-schemas.js";

/** Reading feedback: secret keys (feedback is sent with `ingest.batch`). */
export const feedbackRouter = {
  /** The feedback on one request or one conversation, oldest first. */
  list: secretProcedure
    .input(
      z
        .object({
          requestId: z.uuid().optional(),
          conversationId: Name.optional(),
          limit: z.number().int().min(1).max(MAX_FEEDBACK_PAGE).default(200),
        })
        .refine((v) => (v.requestId === undefined) !== (v.conversationId === undefined), {
          message: "give exactly one of requestId or conversationId",
          path: ["requestId"],
        }),
    )
    .query(({ ctx, input }) =>
      listFeedback(
        ctx.services.db,
        ctx.projectId,
        { requestId: input.requestId, conversationId: input.conversationId },
        input.limit,
      ),
    ),
} satisfies TRPCRouterRecord;

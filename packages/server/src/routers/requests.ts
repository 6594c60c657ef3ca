import { listRequests } from "@loopkit/db";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { secretProcedure } from "../trpc.js";
import { Cursor, Name, present, Timestamp } from "./input-schemas.js";

/** The request explorer: secret keys. */
export const requestsRouter = {
  /**
   * A page of the project's requests, newest first, with their feedback. Pass the answer's
   * `nextCursor` as `cursor` for the next page (null on the last page).
   */
  list: secretProcedure
    .input(
      z
        .object({
          cursor: Cursor.nullish(),
          limit: z.number().int().min(1).max(200).default(50),
          promptName: Name.optional(),
          promptVersion: Name.optional(),
          from: Timestamp.optional(),
          to: Timestamp.optional(),
          tags: z.array(Name).max(32).optional(),
          hasFeedback: z.boolean().optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => {
      const { from, to, cursor, limit, ...filters } = input ?? { limit: 50 };
      return listRequests(ctx.services.db, ctx.projectId, {
        ...present(filters),
        limit,
        ...(cursor ? { cursor } : {}),
        ...(from ? { from: new Date(from) } : {}),
        ...(to ? { to: new Date(to) } : {}),
      });
    }),
} satisfies TRPCRouterRecord;

import { shadowComparisons, shadowSummaries } from "@loopkit/db";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { secretProcedure } from "../trpc.js";
import { Name } from "./input-schemas.js";

/** Shadow runs: secret keys. */
export const shadowRouter = {
  /**
   * Each candidate version's shadow events against the primary requests they ran beside:
   * counts, error rates, latency and cost with paired differences, and the pairwise judge's
   * wins, losses and ties when shadow results were recorded.
   */
  compare: secretProcedure
    .input(z.object({ promptName: Name.optional(), candidateVersion: Name.optional() }).optional())
    .query(async ({ ctx, input }) => {
      const filter = input ?? {};
      const [comparisons, judged] = await Promise.all([
        shadowComparisons(ctx.services.db, ctx.projectId, filter),
        shadowSummaries(
          ctx.services.db,
          ctx.projectId,
          filter.promptName ? { promptName: filter.promptName } : {},
        ),
      ]);
      return comparisons.map((comparison) => {
        const judge = judged.find((j) => j.candidateVersion === comparison.candidateVersion);
        return {
          ...comparison,
          judge: judge
            ? {
                compared: judge.compared,
                candidateWins: judge.candidateWins,
                productionWins: judge.productionWins,
                ties: judge.ties,
                candidateWinRate:
                  judge.compared > 0
                    ? (judge.candidateWins + judge.ties / 2) / judge.compared
                    : null,
                meanScore: judge.meanScore,
              }
            : null,
        };
      });
    }),
} satisfies TRPCRouterRecord;

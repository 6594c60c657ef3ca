import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { ingestRouter } from "./routers/ingest.js";
import { metricsRouter } from "./routers/metrics.js";
import { projectsRouter } from "./routers/projects.js";
import { createTRPCRouter } from "./trpc.js";

/** The whole Loopkit API. */
export const appRouter = createTRPCRouter({
  ingest: ingestRouter,
  metrics: metricsRouter,
  projects: projectsRouter,
});

/** The router's type, for typed clients (import it with `import type`). */
export type AppRouter = typeof appRouter;
/** Inputs of every procedure. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Outputs of every procedure. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

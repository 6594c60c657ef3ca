import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { evaluationsRouter } from "./routers/evaluations.js";
import { experimentsRouter } from "./routers/experiments.js";
import { feedbackRouter } from "./routers/feedback.js";
import { ingestRouter } from "./routers/ingest.js";
import { metricsRouter } from "./routers/metrics.js";
import { projectsRouter } from "./routers/projects.js";
import { promptsRouter } from "./routers/prompts.js";
import { requestsRouter } from "./routers/requests.js";
import { shadowRouter } from "./routers/shadow.js";
import { createTRPCRouter } from "./trpc.js";

/** The whole Loopkit API. */
export const appRouter = createTRPCRouter({
  evaluations: evaluationsRouter,
  experiments: experimentsRouter,
  feedback: feedbackRouter,
  ingest: ingestRouter,
  metrics: metricsRouter,
  projects: projectsRouter,
  prompts: promptsRouter,
  requests: requestsRouter,
  shadow: shadowRouter,
});

/** The router's type, for typed clients (import it with `import type`). */
export type AppRouter = typeof appRouter;
/** Inputs of every procedure. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Outputs of every procedure. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

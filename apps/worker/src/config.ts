import { z } from "zod";

const Env = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"),
  LOOPKIT_MAINTENANCE_INTERVAL_MS: z.coerce.number().int().min(1000).default(3_600_000),
  LOOPKIT_OPENAI_API_KEY: z.string().min(1).optional(),
  LOOPKIT_OPENAI_BASE_URL: z
    .url({ error: "must be a URL such as http://localhost:11434/v1" })
    .optional(),
  LOOPKIT_EVALUATION_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/** The names of every environment variable the worker reads. */
export const ENV_VARIABLES: readonly string[] = Object.keys(Env.shape);

/** The worker's validated configuration. */
export type WorkerConfig = z.infer<typeof Env>;

/**
 * Reads the worker's configuration. The worker shares the servers' PostgreSQL database (the
 * embedded PGlite database belongs to one process, where the server does this work itself);
 * the LLM endpoint has the servers' variable names, and without it the worker only maintains.
 */
export function loadWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) =>
      i.path[0] === "DATABASE_URL" && present.DATABASE_URL === undefined
        ? "  DATABASE_URL: required: the worker runs beside servers on PostgreSQL (an embedded server maintains itself)"
        : `  ${i.path.join(".")}: ${i.message}`,
    );
    throw new Error(`invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

import { LIMITS } from "@loopkit/core";
import { DEFAULT_LIMITS } from "@loopkit/server";
import { z } from "zod";

const Port = z.coerce.number().int().min(0).max(65535);
const PositiveInt = z.coerce.number().int().positive();
/** A per-key rate: per second, 0 turning the limit off. */
const Rate = z.coerce.number().min(0, "must be 0 (no limit) or more");

/** Environment variables of the server, with their defaults and expected forms. */
const Env = z.object({
  PORT: Port.default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  LOOPKIT_DATA_DIR: z.string().min(1).default("./.loopkit"),
  LOOPKIT_SECRET: z
    .string()
    .min(32, "must be at least 32 characters (e.g. `openssl rand -hex 32`)")
    .optional(),
  LOOPKIT_ADMIN_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  LOOPKIT_INIT_PUBLIC_KEY: z
    .string()
    .regex(
      /^lk_pub_[A-Za-z0-9_-]{32,128}$/,
      "must look like lk_pub_ followed by 32–128 of A–Z a–z 0–9 _ -",
    )
    .optional(),
  LOOPKIT_INIT_SECRET_KEY: z
    .string()
    .regex(
      /^lk_sec_[A-Za-z0-9_-]{32,128}$/,
      "must look like lk_sec_ followed by 32–128 of A–Z a–z 0–9 _ -",
    )
    .optional(),
  LOOPKIT_CORS_ORIGINS: z
    .string()
    .default("*")
    .transform((value) =>
      value.trim() === "*"
        ? ("*" as const)
        : value
            .split(",")
            .map((o) => o.trim())
            .filter(Boolean),
    ),
  LOOPKIT_MAX_BODY_BYTES: PositiveInt.default(5 * 1024 * 1024),
  LOOPKIT_MAX_IN_FLIGHT_BATCHES: PositiveInt.default(64),
  LOOPKIT_RATE_LIMIT_REQUESTS_PER_SECOND: Rate.default(DEFAULT_LIMITS.rateLimitRequestsPerSecond),
  LOOPKIT_RATE_LIMIT_EVENTS_PER_SECOND: Rate.default(DEFAULT_LIMITS.rateLimitEventsPerSecond),
  LOOPKIT_RATE_LIMIT_BURST_SECONDS: z.coerce
    .number()
    .positive()
    .default(DEFAULT_LIMITS.rateLimitBurstSeconds),
  LOOPKIT_DB_ACQUIRE_TIMEOUT_MS: PositiveInt.default(2000),
  LOOPKIT_SHUTDOWN_TIMEOUT_MS: PositiveInt.default(10_000),
  LOOPKIT_OPENAI_BASE_URL: z
    .url({ error: "must be a URL such as http://localhost:11434/v1" })
    .optional(),
  LOOPKIT_OPENAI_API_KEY: z.string().min(1).optional(),
  LOOPKIT_JUDGE_MODEL: z.string().min(1).default("gpt-4o-mini"),
  LOOPKIT_EVALUATION_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  LOOPKIT_MAINTENANCE: z.enum(["in-process", "off"]).default("in-process"),
  LOOPKIT_MAINTENANCE_INTERVAL_MS: z.coerce.number().int().min(1000).default(3_600_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/** The names of every environment variable the server reads. */
export const ENV_VARIABLES: readonly string[] = Object.keys(Env.shape);

/** The server's validated configuration. */
export type ServerConfig = z.infer<typeof Env>;

/** A configuration error: names each bad variable and the form it must take. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code = "INVALID_CONFIG";
}

/** Reads and validates the configuration from environment variables. */
export function loadConfig(env: Record<string, string | undefined>): ServerConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  if (
    Boolean(parsed.data.LOOPKIT_INIT_PUBLIC_KEY) !== Boolean(parsed.data.LOOPKIT_INIT_SECRET_KEY)
  ) {
    throw new ConfigError(
      "invalid configuration:\n  LOOPKIT_INIT_PUBLIC_KEY and LOOPKIT_INIT_SECRET_KEY: set both or neither",
    );
  }
  const { LOOPKIT_RATE_LIMIT_EVENTS_PER_SECOND: events, LOOPKIT_RATE_LIMIT_BURST_SECONDS: burst } =
    parsed.data;
  if (events > 0 && events * burst < LIMITS.maxBatchEvents) {
    throw new ConfigError(
      `invalid configuration:\n  LOOPKIT_RATE_LIMIT_EVENTS_PER_SECOND × LOOPKIT_RATE_LIMIT_BURST_SECONDS: must be at least ${LIMITS.maxBatchEvents} (one full batch), got ${events} × ${burst}; raise either, or set the events rate to 0 for no limit`,
    );
  }
  return parsed.data;
}

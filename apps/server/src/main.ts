#!/usr/bin/env node
/**
 * `loopkit` — the self-hosted server's command line:
 *   loopkit [start]   start the server (default)
 *   loopkit migrate   apply pending migrations and exit
 */
import { createDatabase, migrate } from "@loopkit/db";
import pino from "pino";
import { ConfigError, loadConfig, type ServerConfig } from "./config.js";
import { startServer } from "./start.js";

async function runStart(config: ServerConfig): Promise<void> {
  const logger = pino({ level: config.LOG_LEVEL });
  const server = await startServer(config, logger);
  if (server.initialKeys) {
    // Printed once, on the first start only: the database keeps hashes.
    process.stdout.write(
      [
        "",
        "Created the default project. Save these keys now; they are not shown again:",
        `  public key (browsers, events only): ${server.initialKeys.publicKey}`,
        `  secret key (servers, everything):   ${server.initialKeys.secretKey}`,
        "",
      ].join("\n"),
    );
  }
  logger.info(
    { url: server.url, database: server.db.driver },
    `Loopkit listening on ${server.url}`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    await server.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

async function runMigrate(config: ServerConfig): Promise<void> {
  const db = await createDatabase(
    config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir: config.LOOPKIT_DATA_DIR },
  );
  try {
    const { applied } = await migrate(db);
    process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "up to date\n");
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const command = argv[0] ?? "start";
  const config = loadConfig(process.env);
  if (command === "start") return runStart(config);
  if (command === "migrate") return runMigrate(config);
  throw new ConfigError(`unknown command "${command}"; use: loopkit [start|migrate]`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`loopkit: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

#!/usr/bin/env node
/**
 * `loopkit` — the self-hosted server's command line:
 *   loopkit [start]   start the server (default)
 *   loopkit migrate   apply pending migrations and exit
 *   loopkit eval      judge or compare prompt versions on a dataset (see `loopkit eval --help`)
 *   loopkit --help    this list
 */
import { createDatabase, createEvaluationStore, migrate } from "@loopkit/db";
import { type EvaluationStore, runEvalCommand } from "@loopkit/evaluator";
import { firstStartBanner } from "./banner.js";
import { ConfigError, ENV_VARIABLES, loadConfig, type ServerConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startServer } from "./start.js";

async function runStart(config: ServerConfig): Promise<void> {
  const logger = createLogger(config.LOG_LEVEL);
  const server = await startServer(config, logger);
  if (server.initialKeys) {
    process.stdout.write(
      firstStartBanner(server.initialKeys, config.LOOPKIT_INIT_PUBLIC_KEY !== undefined),
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
    logger.info("stopped: every acknowledged event is committed and the database is closed");
    logger.flush();
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

/**
 * `loopkit eval`: the evaluator's command, with runs stored in this server's database (migrated
 * first), so they can be watched with `evaluations.get` and resumed with `--resume`.
 */
async function runEval(config: ServerConfig, argv: string[]): Promise<void> {
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  const code = await runEvalCommand(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
    async openStore() {
      const db = await createDatabase(
        config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir: config.LOOPKIT_DATA_DIR },
      );
      await migrate(db);
      return { store: createEvaluationStore(db) as EvaluationStore, close: () => db.close() };
    },
  });
  process.exitCode = code;
}

const HELP_FLAGS = new Set(["--help", "-h", "help"]);

/** What `loopkit --help` prints: the commands and the environment variables read. */
const USAGE = `Usage: loopkit [command]

Commands:
  start     start the server (default)
  migrate   apply pending migrations and exit
  eval      judge or compare prompt versions on a JSONL dataset (loopkit eval --help)

Configured by environment variables (see "Configuration" in the README):
  ${ENV_VARIABLES.join(", ")}
`;

async function main(argv: string[]): Promise<void> {
  const command = argv[0] ?? "start";
  if (HELP_FLAGS.has(command)) {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadConfig(process.env);
  if (command === "start") return runStart(config);
  if (command === "migrate") return runMigrate(config);
  if (command === "eval") return runEval(config, argv.slice(1));
  throw new ConfigError(
    `unknown command "${command}"; use: loopkit [start|migrate|eval], or loopkit --help`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`loopkit: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

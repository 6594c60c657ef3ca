import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createDatabase, type Database, migrate, pingDatabase } from "@loopkit/db";
import { logRunExecutorEvent } from "@loopkit/evaluator";
import { createLoopkitServices, createNodeHandler } from "@loopkit/server";
import type { Logger } from "pino";
import { startBackgroundWork } from "./background-work.js";
import { ensureDefaultProject, type InitialKeys } from "./bootstrap.js";
import type { ServerConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { createServerMetrics } from "./observability.js";
import { resolveSecret } from "./secret.js";

/** A running server. */
export interface RunningServer {
  url: string;
  db: Database;
  /** The default project's keys when this start created it, else null. */
  initialKeys: InitialKeys | null;
  /** Stops accepting connections, waits for in-flight requests, closes the database. */
  close(): Promise<void>;
}

/**
 * Starts the server: opens the database (PostgreSQL from DATABASE_URL, else embedded PGlite in
 * the data folder), applies migrations, makes the default project on first start, listens, and
 * starts the background work (maintenance, resuming evaluation runs stopped processes left).
 */
export async function startServer(
  config: ServerConfig,
  logger: Logger = createLogger(config.LOG_LEVEL),
): Promise<RunningServer> {
  const db = await createDatabase(
    config.DATABASE_URL
      ? { url: config.DATABASE_URL, acquireTimeoutMs: config.LOOPKIT_DB_ACQUIRE_TIMEOUT_MS }
      : { dataDir: config.LOOPKIT_DATA_DIR },
  );
  const { applied } = await migrate(db);
  if (applied.length > 0) logger.info({ applied }, "migrations applied");
  const initialKeys = await ensureDefaultProject(db, {
    publicKey: config.LOOPKIT_INIT_PUBLIC_KEY,
    secretKey: config.LOOPKIT_INIT_SECRET_KEY,
  });
  const services = createLoopkitServices({
    db,
    secret: await resolveSecret(config.LOOPKIT_SECRET, config.LOOPKIT_DATA_DIR),
    ...(config.LOOPKIT_ADMIN_TOKEN ? { adminToken: config.LOOPKIT_ADMIN_TOKEN } : {}),
    limits: {
      maxBodyBytes: config.LOOPKIT_MAX_BODY_BYTES,
      maxInFlightBatches: config.LOOPKIT_MAX_IN_FLIGHT_BATCHES,
      rateLimitRequestsPerSecond: config.LOOPKIT_RATE_LIMIT_REQUESTS_PER_SECOND,
      rateLimitEventsPerSecond: config.LOOPKIT_RATE_LIMIT_EVENTS_PER_SECOND,
      rateLimitBurstSeconds: config.LOOPKIT_RATE_LIMIT_BURST_SECONDS,
    },
    ...(config.LOOPKIT_OPENAI_API_KEY
      ? {
          llm: {
            apiKey: config.LOOPKIT_OPENAI_API_KEY,
            model: config.LOOPKIT_JUDGE_MODEL,
            ...(config.LOOPKIT_OPENAI_BASE_URL ? { baseURL: config.LOOPKIT_OPENAI_BASE_URL } : {}),
          },
        }
      : {}),
    evaluationLeaseMs: config.LOOPKIT_EVALUATION_LEASE_MS,
    onEvaluationRunEvent: (event) => logRunExecutorEvent(logger, event),
    onIngested: (counts) => metrics.ingested(counts),
    onBackgroundError: (error) =>
      logger.error(
        {
          err:
            error instanceof Error ? { name: error.name, message: error.message } : String(error),
        },
        "evaluation runs: database error (runs go on, or are resumed, once it answers)",
      ),
  });
  const metrics = createServerMetrics(() => services.ingestGate.current);
  const api = createNodeHandler(services, {
    corsOrigins: config.LOOPKIT_CORS_ORIGINS,
    onResponse: ({ requestId, method, path, status, ms }) => {
      metrics.observe(path, status, ms);
      logger.info(
        { requestId, method, procedure: path, status, ms: Math.round(ms * 10) / 10 },
        "request",
      );
    },
  });

  let shuttingDown = false;
  const server = createServer(async (req, res) => {
    // While draining, answers close their connection so keep-alive clients reconnect elsewhere.
    if (shuttingDown) res.setHeader("connection", "close");
    if (api(req, res)) return;
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (path === "/readyz") {
      if (shuttingDown) return sendJson(res, 503, { status: "shutting down" });
      try {
        await pingDatabase(db);
        return sendJson(res, 200, { status: "ready" });
      } catch {
        return sendJson(res, 503, { status: "database unreachable" });
      }
    }
    if (path === "/metrics") {
      res.setHeader("content-type", metrics.registry.contentType);
      return res.end(await metrics.registry.metrics());
    }
    sendJson(res, 404, { error: { message: `no route ${path}; the API is under /trpc` } });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  const background = startBackgroundWork(config, db, services, logger);
  const { port } = server.address() as AddressInfo;
  const host = config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST;
  return {
    url: `http://${host}:${port}`,
    db,
    initialKeys,
    /**
     * Graceful shutdown, in order: stop accepting connections; let in-flight requests finish
     * (every ingest batch answered after its commit, so nothing acknowledged is lost), closing
     * connections as they go idle, up to LOOPKIT_SHUTDOWN_TIMEOUT_MS; meanwhile, stop the
     * background work (a maintenance pass in progress ends; evaluation runs pause and are
     * released for the next process to resume); then close the database.
     */
    async close() {
      shuttingDown = true;
      const backgroundStopped = background.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const sweeper = setInterval(() => server.closeIdleConnections(), 25);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), config.LOOPKIT_SHUTDOWN_TIMEOUT_MS);
      });
      if ((await Promise.race([closed, timedOut])) === "timeout") {
        logger.warn(
          { inFlightBatches: services.ingestGate.current },
          "shutdown timeout reached: closing the remaining connections",
        );
        server.closeAllConnections();
        await closed;
      }
      clearInterval(sweeper);
      clearTimeout(timer);
      await backgroundStopped;
      await db.close();
    },
  };
}

function sendJson(res: import("node:http").ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
}

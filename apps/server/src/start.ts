import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createDatabase, type Database, migrate } from "@loopkit/db";
import { createLoopkitServices, createNodeHandler } from "@loopkit/server";
import pino from "pino";
import { ensureDefaultProject, type InitialKeys } from "./bootstrap.js";
import type { ServerConfig } from "./config.js";
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
 * the data folder), applies migrations, makes the default project on first start, and listens.
 */
export async function startServer(
  config: ServerConfig,
  logger = pino({ level: config.LOG_LEVEL }),
): Promise<RunningServer> {
  const db = await createDatabase(
    config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir: config.LOOPKIT_DATA_DIR },
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
    },
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

  const server = createServer(async (req, res) => {
    if (api(req, res)) return;
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (path === "/readyz") {
      try {
        await db.query("SELECT 1");
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
  const { port } = server.address() as AddressInfo;
  const host = config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST;
  return {
    url: `http://${host}:${port}`,
    db,
    initialKeys,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await db.close();
    },
  };
}

function sendJson(res: import("node:http").ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
}

import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { appRouter } from "../root.js";
import type { LoopkitServices } from "../services.js";
import { createContext } from "../trpc.js";
import {
  type CorsOrigins,
  corsHeaders,
  isBrowserPath,
  retryAfterSeconds,
  SECURITY_HEADERS,
} from "./policy.js";

/** Options of {@link createNodeHandler}. */
export interface NodeHandlerOptions {
  /** Where the API is mounted; default `/trpc`. */
  basePath?: string;
  /** Origins allowed to call the browser procedures (public-key ingestion, experiment configs). */
  corsOrigins?: CorsOrigins;
  /** Called once per request after the answer is sent (for structured logs and metrics). */
  onResponse?: (info: {
    requestId: string;
    method: string;
    path: string;
    status: number;
    ms: number;
  }) => void;
}

/**
 * A Node `(req, res)` listener serving the Loopkit API under `basePath`; it works with
 * `http.createServer`, Express (`app.use(handler)`) and Fastify (via `@fastify/middie` or
 * `fastify.all('/trpc/*', (r, s) => handler(r.raw, s.raw))`). Returns false for paths outside
 * `basePath` so the host can answer them.
 *
 * Oversized bodies are refused from `content-length` before any byte is read, and by tRPC's
 * `maxBodySize` while streaming when no length is sent.
 */
export function createNodeHandler(services: LoopkitServices, options: NodeHandlerOptions = {}) {
  const basePath = `${(options.basePath ?? "/trpc").replace(/\/$/, "")}/`;
  const corsOrigins = options.corsOrigins ?? [];
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath,
    maxBodySize: services.limits.maxBodyBytes,
    createContext: ({ req }) => createContext(services, req.headers.authorization),
    responseMeta({ errors }) {
      const wait = retryAfterSeconds(errors.map((e) => e.code));
      return wait === null ? {} : { headers: { "retry-after": String(wait) } };
    },
  });

  return function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? "/";
    if (!url.startsWith(basePath)) return false;
    const started = performance.now();
    const requestId = headerValue(req, "x-request-id")?.slice(0, 128) || randomUUID();
    const procedurePath = decodeURIComponent(url.slice(basePath.length).split("?")[0] ?? "");
    res.setHeader("x-request-id", requestId);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (isBrowserPath(procedurePath)) {
      for (const [name, value] of Object.entries(
        corsHeaders(headerValue(req, "origin"), corsOrigins),
      )) {
        res.setHeader(name, value);
      }
    }
    res.on("finish", () =>
      options.onResponse?.({
        requestId,
        method: req.method ?? "GET",
        path: procedurePath,
        status: res.statusCode,
        ms: performance.now() - started,
      }),
    );
    if (req.method === "OPTIONS") {
      res.statusCode = 204;
      res.end();
      return true;
    }
    const length = Number(req.headers["content-length"] ?? 0);
    if (length > services.limits.maxBodyBytes) {
      refuseTooLarge(res, services.limits.maxBodyBytes);
      req.resume();
      return true;
    }
    void trpc(req, res);
    return true;
  };
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === "string" ? value : null;
}

function refuseTooLarge(res: ServerResponse, limit: number): void {
  res.statusCode = 413;
  res.setHeader("content-type", "application/json");
  res.setHeader("connection", "close");
  res.end(
    JSON.stringify({
      error: {
        message: `the request body is larger than ${limit} bytes; send smaller batches`,
        code: -32600,
        data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413, loopkitCode: "PAYLOAD_TOO_LARGE" },
      },
    }),
  );
}

import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ResponseMetaFn } from "@trpc/server/http";
import type { AppRouter } from "../root.js";
import type { LoopkitServices } from "../services.js";
import { createContext } from "../trpc.js";
import {
  type CorsOrigins,
  corsHeaders,
  isBrowserPath,
  retryAfterSeconds,
  SECURITY_HEADERS,
} from "./policy.js";
import { type Refusal, tooLarge } from "./refusals.js";
import { serveTrpc, trimSlashes } from "./trpc-node.js";
import { isTextPlain, readUrlKey } from "./url-key.js";

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
 * `maxBodySize` while streaming when no length is sent. `ingest.batch` also takes a public key
 * in `?key=` with a `text/plain` body, for `navigator.sendBeacon` (see {@link readUrlKey}).
 */
export function createNodeHandler(services: LoopkitServices, options: NodeHandlerOptions = {}) {
  const basePath = `${(options.basePath ?? "/trpc").replace(/\/$/, "")}/`;
  const corsOrigins = options.corsOrigins ?? [];
  const trpcBasePath = trimSlashes(basePath);

  return function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? "/";
    if (!url.startsWith(basePath)) return false;
    const started = performance.now();
    const requestId = headerValue(req, "x-request-id")?.slice(0, 128) || randomUUID();
    const queryAt = url.indexOf("?");
    const procedurePath = decodePath(url.slice(basePath.length, queryAt < 0 ? undefined : queryAt));
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
      refuse(req, res, tooLarge(services.limits.maxBodyBytes));
      return true;
    }
    const urlKey = readUrlKey(
      procedurePath,
      new URLSearchParams(queryAt < 0 ? "" : url.slice(queryAt + 1)),
      req.headers.authorization !== undefined,
    );
    if (urlKey.type === "refused") {
      refuse(req, res, urlKey.refusal);
      return true;
    }
    // sendBeacon posts the JSON as text/plain (no CORS preflight); tRPC reads JSON bodies.
    if (urlKey.type === "key" && isTextPlain(req.headers["content-type"])) {
      req.headers["content-type"] = "application/json";
    }
    void serveTrpc(req, res, {
      basePath: trpcBasePath,
      maxBodyBytes: services.limits.maxBodyBytes,
      createContext: () =>
        createContext(services, req.headers.authorization, {
          ...(urlKey.type === "key" ? { urlKey: urlKey.key } : {}),
          requestId,
        }),
      responseMeta,
    });
    return true;
  };
}

/** A `Retry-After` header on answers that ask the client to wait (429, 503). */
const responseMeta: ResponseMetaFn<AppRouter> = ({ errors }) => {
  const wait = retryAfterSeconds(errors);
  return wait === null ? {} : { headers: { "retry-after": String(wait) } };
};

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === "string" ? value : null;
}

/** The procedure path as tRPC decodes it; a malformed %-escape is kept as sent (it names no procedure). */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Answers a refusal, closes the connection and discards the unread body. */
function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  res.statusCode = refusal.status;
  res.setHeader("content-type", "application/json");
  res.setHeader("connection", "close");
  res.end(refusal.body);
  req.resume();
}

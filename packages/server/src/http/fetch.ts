import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
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
import { type Refusal, tooLarge } from "./refusals.js";
import { isTextPlain, readUrlKey } from "./url-key.js";

/**
 * A fetch-style handler (`Request → Response`) serving the Loopkit API under `basePath`, for
 * runtimes built on the Fetch API (Hono, Next.js route handlers, Bun, Deno, workers). Same
 * policy as the Node handler: CORS, security headers, request ids, 413, and `?key=` with a
 * `text/plain` body on `ingest.batch` for `navigator.sendBeacon`.
 */
export function createFetchHandler(
  services: LoopkitServices,
  options: { basePath?: string; corsOrigins?: CorsOrigins } = {},
) {
  const endpoint = (options.basePath ?? "/trpc").replace(/\/$/, "");
  const corsOrigins = options.corsOrigins ?? [];
  return async function handle(request: Request): Promise<Response> {
    const requestId = request.headers.get("x-request-id")?.slice(0, 128) || crypto.randomUUID();
    const length = Number(request.headers.get("content-length") ?? 0);
    const url = new URL(request.url);
    const procedurePath = url.pathname.slice(endpoint.length + 1);
    const headers = {
      ...SECURITY_HEADERS,
      ...(isBrowserPath(procedurePath)
        ? corsHeaders(request.headers.get("origin"), corsOrigins)
        : {}),
      "x-request-id": requestId,
    };
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers });
    if (length > services.limits.maxBodyBytes) {
      return refuse(tooLarge(services.limits.maxBodyBytes), headers);
    }
    const urlKey = readUrlKey(
      procedurePath,
      url.searchParams,
      request.headers.has("authorization"),
    );
    if (urlKey.type === "refused") return refuse(urlKey.refusal, headers);
    let req = request;
    if (urlKey.type === "key" && isTextPlain(request.headers.get("content-type"))) {
      // sendBeacon posts the JSON as text/plain (no CORS preflight); tRPC reads JSON bodies.
      const json = new Headers(request.headers);
      json.set("content-type", "application/json");
      req = new Request(request, { headers: json });
    }
    const response = await fetchRequestHandler({
      endpoint,
      req,
      router: appRouter,
      createContext: () =>
        createContext(services, request.headers.get("authorization"), {
          ...(urlKey.type === "key" ? { urlKey: urlKey.key } : {}),
          requestId,
        }),
      responseMeta({ errors }) {
        const wait = retryAfterSeconds(errors);
        return wait === null ? {} : { headers: { "retry-after": String(wait) } };
      },
    });
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  };
}

function refuse(refusal: Refusal, headers: Record<string, string>): Response {
  return new Response(refusal.body, {
    status: refusal.status,
    headers: { ...headers, "content-type": "application/json" },
  });
}

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

/**
 * A fetch-style handler (`Request → Response`) serving the Loopkit API under `basePath`, for
 * runtimes built on the Fetch API (Hono, Next.js route handlers, Bun, Deno, workers).
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
    const procedurePath = new URL(request.url).pathname.slice(endpoint.length + 1);
    const extra = isBrowserPath(procedurePath)
      ? corsHeaders(request.headers.get("origin"), corsOrigins)
      : {};
    if (request.method === "OPTIONS") {
      return new Response(null, {
        status: 204,
        headers: { ...SECURITY_HEADERS, ...extra, "x-request-id": requestId },
      });
    }
    if (length > services.limits.maxBodyBytes) {
      return Response.json(
        {
          error: {
            message: `the request body is larger than ${services.limits.maxBodyBytes} bytes; send smaller batches`,
            data: { loopkitCode: "PAYLOAD_TOO_LARGE", httpStatus: 413 },
          },
        },
        { status: 413, headers: { ...SECURITY_HEADERS, "x-request-id": requestId } },
      );
    }
    const response = await fetchRequestHandler({
      endpoint,
      req: request,
      router: appRouter,
      createContext: () => createContext(services, request.headers.get("authorization")),
      responseMeta({ errors }) {
        const wait = retryAfterSeconds(errors.map((e) => e.code));
        return wait === null ? {} : { headers: { "retry-after": String(wait) } };
      },
    });
    for (const [name, value] of Object.entries({
      ...SECURITY_HEADERS,
      ...extra,
      "x-request-id": requestId,
    })) {
      response.headers.set(name, value);
    }
    return response;
  };
}

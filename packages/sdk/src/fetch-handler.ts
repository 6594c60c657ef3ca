/**
 * `@loopkit/sdk/fetch-handler`: a wrapper for any `(request) => Response` handler (Next.js route
 * handlers, Deno, Bun, Cloudflare Workers, Remix…).
 */
import {
  type MiddlewareOptions,
  type RequestLoopkit,
  requestIdFrom,
  scopeToRequest,
} from "./request-scope.js";

export type { MiddlewareOptions, RequestLoopkit } from "./request-scope.js";

/** Options of {@link withLoopkit}. */
export interface FetchHandlerOptions extends MiddlewareOptions {
  /** Keeps the runtime alive for the flush (e.g. a Worker's `ctx.waitUntil`). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/**
 * Wraps a fetch handler: gives each request an id (the incoming `x-request-id` or a new
 * UUIDv7, set on the response), passes a {@link RequestLoopkit} as the handler's second argument,
 * and with `flushOnEnd` flushes the client once the response body has been sent to the end
 * (at once for a response without a body).
 *
 * @example
 * export const POST = withLoopkit(async (request, loopkit) => {
 *   loopkit.log({ promptName: "chat", output });
 *   return Response.json({ output });
 * }, { loopkit });
 */
export function withLoopkit<Rest extends unknown[]>(
  handler: (
    request: Request,
    loopkit: RequestLoopkit,
    ...rest: Rest
  ) => Response | Promise<Response>,
  options: FetchHandlerOptions,
): (request: Request, ...rest: Rest) => Promise<Response> {
  const header = options.requestIdHeader ?? "x-request-id";
  return async (request, ...rest) => {
    const requestId = requestIdFrom(request.headers.get(header));
    const answer = await handler(request, scopeToRequest(options.loopkit, requestId), ...rest);
    const flush = () => {
      const flushing = options.loopkit.flush();
      options.waitUntil?.(flushing);
    };
    let body = answer.body;
    if (options.flushOnEnd) {
      if (body) {
        body = body.pipeThrough(new TransformStream({ flush }));
      } else {
        flush();
      }
    }
    // A new Response, as the handler's headers may be immutable (a proxied fetch response).
    const response = new Response(body, answer);
    response.headers.set(header, requestId);
    return response;
  };
}

/**
 * `@loopkit/sdk/hono`: Hono middleware. `hono` is used for types only.
 */
import type { MiddlewareHandler } from "hono";
import {
  type MiddlewareOptions,
  type RequestLoopkit,
  requestIdFrom,
  scopeToRequest,
} from "./request-scope.js";

export type { MiddlewareOptions, RequestLoopkit } from "./request-scope.js";

declare module "hono" {
  interface ContextVariableMap {
    /** Loopkit for this request, set by `loopkitHono()`. */
    loopkit: RequestLoopkit;
  }
}

/**
 * Hono middleware: gives each request an id (the incoming `x-request-id` or a new UUIDv7,
 * echoed in the response header), exposes `c.get("loopkit")` whose `log()` carries that id, and
 * with `flushOnEnd` flushes the client after the handler, through `executionCtx.waitUntil` where
 * the runtime has one (Cloudflare Workers, Vercel Edge) so the response is not delayed.
 *
 * @example
 * app.use(loopkitHono({ loopkit }));
 * app.post("/chat", (c) => { c.get("loopkit").log({ promptName: "chat", output }); … });
 */
export function loopkitHono(
  options: MiddlewareOptions,
): MiddlewareHandler<{ Variables: { loopkit: RequestLoopkit } }> {
  const header = options.requestIdHeader ?? "x-request-id";
  return async (c, next) => {
    const requestId = requestIdFrom(c.req.header(header));
    c.set("loopkit", scopeToRequest(options.loopkit, requestId));
    await next();
    c.header(header, requestId);
    if (options.flushOnEnd) {
      const flushing = options.loopkit.flush();
      let waitUntil: ((promise: Promise<unknown>) => void) | undefined;
      try {
        waitUntil = c.executionCtx.waitUntil.bind(c.executionCtx);
      } catch {
        // Node and Bun have no execution context: the process lives on, the flush completes.
      }
      waitUntil?.(flushing);
    }
  };
}

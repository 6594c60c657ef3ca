/**
 * `@loopkit/sdk/express`: Express middleware. `express` is used for types only.
 */
import type { NextFunction, Request, Response } from "express";
import {
  type MiddlewareOptions,
  type RequestLoopkit,
  requestIdFrom,
  scopeToRequest,
} from "./request-scope.js";

export type { MiddlewareOptions, RequestLoopkit } from "./request-scope.js";

declare global {
  namespace Express {
    interface Request {
      /** Loopkit for this request, set by `loopkitExpress()`. */
      loopkit: RequestLoopkit;
    }
  }
}

/**
 * Express middleware: gives each request an id (the incoming `x-request-id` or a new UUIDv7,
 * echoed in the response header), exposes `req.loopkit` whose `log()` carries that id, and with
 * `flushOnEnd` flushes the client once the response is finished or the connection closed.
 *
 * @example
 * app.use(loopkitExpress({ loopkit }));
 * app.post("/chat", (req, res) => { req.loopkit.log({ promptName: "chat", output }); … });
 */
export function loopkitExpress(options: MiddlewareOptions) {
  const header = (options.requestIdHeader ?? "x-request-id").toLowerCase();
  return function loopkitMiddleware(req: Request, res: Response, next: NextFunction): void {
    const requestId = requestIdFrom(req.get(header));
    req.loopkit = scopeToRequest(options.loopkit, requestId);
    res.setHeader(header, requestId);
    if (options.flushOnEnd) {
      let flushed = false;
      const flush = () => {
        if (flushed) return;
        flushed = true;
        void options.loopkit.flush();
      };
      res.once("finish", flush);
      res.once("close", flush);
    }
    next();
  };
}

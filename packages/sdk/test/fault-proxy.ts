import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

/** A real HTTP proxy in front of a server that fails requests on demand. */
export interface FaultProxy {
  url: string;
  /** The next `count` requests are answered with `status` (and Retry-After when given). */
  failNext(count: number, status: number, retryAfter?: string): void;
  /** The next `count` requests have their connection destroyed without an answer. */
  dropNext(count: number): void;
  requests: number;
  close(): Promise<void>;
}

/** Starts a proxy to `target` on a random port. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const faults: Array<{ status: number; retryAfter?: string } | "drop"> = [];
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    state.requests++;
    const fault = faults.shift();
    if (fault === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault) {
      res.statusCode = fault.status;
      if (fault.retryAfter) res.setHeader("retry-after", fault.retryAfter);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ error: { message: `injected ${fault.status}` } }));
      req.resume();
      return;
    }
    const upstream = request(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failNext(count, status, retryAfter) {
      for (let i = 0; i < count; i++) faults.push(retryAfter ? { status, retryAfter } : { status });
    },
    dropNext(count) {
      for (let i = 0; i < count; i++) faults.push("drop");
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

import type { TRPCError } from "@trpc/server";
import { RateLimitedError } from "../auth/key-rate-limits.js";

/** Procedures a browser may call with a public key: they get CORS headers. */
const BROWSER_PROCEDURES = new Set(["ingest.batch", "experiments.config"]);

/** True when every procedure in a tRPC path (`a.b` or batched `a.b,c.d`) is browser-callable. */
export function isBrowserPath(procedurePath: string): boolean {
  return procedurePath.split(",").every((p) => BROWSER_PROCEDURES.has(p));
}

/** Which origins may call the browser procedures: a list, or `*` for any. */
export type CorsOrigins = "*" | string[];

/** The CORS headers for a request from `origin`, or none when the origin is not allowed. */
export function corsHeaders(origin: string | null, allowed: CorsOrigins): Record<string, string> {
  if (!origin) return {};
  if (allowed !== "*" && !allowed.includes(origin)) return {};
  return {
    "access-control-allow-origin": allowed === "*" ? "*" : origin,
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "authorization, content-type, x-request-id",
    "access-control-max-age": "600",
    vary: "Origin",
  };
}

/** Headers every response carries. */
export const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

/**
 * Seconds a client should wait after a 429 or 503 (the `Retry-After` value): a rate-limited key
 * until its bucket refills, a full server 1 s, an unavailable database 2 s; the longest when a
 * batched request failed several ways; null when no error asks for a wait.
 */
export function retryAfterSeconds(errors: readonly TRPCError[]): number | null {
  let wait: number | null = null;
  for (const error of errors) {
    const seconds =
      error.cause instanceof RateLimitedError
        ? error.cause.retryAfterSeconds
        : error.code === "TOO_MANY_REQUESTS"
          ? 1
          : error.code === "SERVICE_UNAVAILABLE"
            ? 2
            : null;
    if (seconds !== null) wait = Math.max(wait ?? 0, seconds);
  }
  return wait;
}

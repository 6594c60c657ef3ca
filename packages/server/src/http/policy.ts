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

/** Seconds a client should wait after a 429 or 503. */
export function retryAfterSeconds(codes: string[]): number | null {
  if (codes.includes("TOO_MANY_REQUESTS")) return 1;
  if (codes.includes("SERVICE_UNAVAILABLE")) return 2;
  return null;
}

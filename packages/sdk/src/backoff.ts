/**
 * The delay before retry number `attempt` (1-based): exponential backoff with "equal jitter"
 * (half of min(cap, base · 2^attempt) plus a uniform random part of the other half), but never
 * less than the server's `Retry-After`. The fixed half makes the retries of a client span at
 * least ~30 s of outage at the defaults (8 attempts), however the draws fall; with full jitter
 * they could all come within a second or two and give up while a server restarts.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | null,
  baseMs = 250,
  capMs = 30_000,
  random: () => number = Math.random,
): number {
  const half = Math.min(capMs, baseMs * 2 ** attempt) / 2;
  return Math.max(retryAfterMs ?? 0, Math.floor(half + random() * half));
}

/** Parses a `Retry-After` header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * The delay before retry number `attempt` (1-based): "full jitter" exponential backoff
 * (a uniform random delay between 0 and min(cap, base · 2^attempt)), but never less than the
 * server's `Retry-After`.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | null,
  baseMs = 250,
  capMs = 30_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.max(retryAfterMs ?? 0, Math.floor(random() * ceiling));
}

/** Parses a `Retry-After` header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

import { LIMITS, LoopkitError } from "@loopkit/core";

/** A rate as a token bucket: `perSecond` tokens flow in, at most `burst` are kept. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/** A `RATE_LIMITED` error that knows when the key may send again (the Retry-After value). */
export class RateLimitedError extends LoopkitError {
  constructor(
    message: string,
    /** Whole seconds until the key's bucket holds enough tokens again (at least 1). */
    readonly retryAfterSeconds: number,
  ) {
    super("RATE_LIMITED", message);
  }
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in ms (`performance.now()` scale). */
  at: number;
}

/** Buckets kept before full ones (idle keys, equal to no bucket) are swept out. */
const SWEEP_ABOVE = 10_000;

/**
 * Token buckets by key id, for one rate, in this process's memory: each process of a deployment
 * limits on its own, so N processes behind a load balancer let a key through at up to N times
 * the rate. A bucket starts full; `take(id, n)` removes n tokens or throws `RATE_LIMITED` with
 * the seconds until n tokens are there, removing none (a refused call costs nothing, so a client
 * that waits Retry-After gets through).
 */
export class KeyRateLimit {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: Rate,
    /** What is counted, for the message: "calls" or "events". */
    private readonly unit: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(rate.perSecond > 0 && rate.burst >= 1)) {
      throw new LoopkitError(
        "INVALID_CONFIG",
        `a rate limit needs a positive rate and a burst of at least 1 (got ${rate.perSecond}/s, burst ${rate.burst})`,
      );
    }
  }

  /** Takes `count` tokens from the bucket of `id`, or throws {@link RateLimitedError}. */
  take(id: string, count = 1): void {
    const now = this.now();
    const bucket = this.buckets.get(id) ?? this.newBucket(id, now);
    bucket.tokens = Math.min(
      this.rate.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.rate.perSecond,
    );
    bucket.at = now;
    if (bucket.tokens >= count) {
      bucket.tokens -= count;
      return;
    }
    const seconds = Math.max(1, Math.ceil((count - bucket.tokens) / this.rate.perSecond));
    throw new RateLimitedError(
      `this key sent more than ${this.rate.perSecond} ${this.unit} per second (bursts up to ${this.rate.burst}); retry after ${seconds} s (Retry-After), or ask the operator to raise the server's rate limit`,
      seconds,
    );
  }

  private newBucket(id: string, now: number): Bucket {
    if (this.buckets.size >= SWEEP_ABOVE) this.sweepFull(now);
    const bucket = { tokens: this.rate.burst, at: now };
    this.buckets.set(id, bucket);
    return bucket;
  }

  /** Drops buckets that have refilled: a full bucket and a missing one behave the same. */
  private sweepFull(now: number): void {
    for (const [id, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.rate.perSecond >= this.rate.burst) {
        this.buckets.delete(id);
      }
    }
  }
}

/** The per-key limits of a server; a rate of 0 turns that limit off. */
export interface KeyRateLimitSettings {
  requestsPerSecond: number;
  eventsPerSecond: number;
  /** Seconds of either rate a key may spend at once (the size of its buckets). */
  burstSeconds: number;
}

/**
 * The two limits every API key is held to in this process: procedure calls per second (each
 * call of a batched HTTP request counts) and events per second sent through `ingest.batch`.
 */
export class KeyRateLimits {
  private readonly requests: KeyRateLimit | null;
  private readonly events: KeyRateLimit | null;

  constructor(settings: KeyRateLimitSettings, now?: () => number) {
    const { requestsPerSecond, eventsPerSecond, burstSeconds } = settings;
    for (const [name, value] of Object.entries(settings)) {
      if (!(Number.isFinite(value) && value >= 0)) {
        throw new LoopkitError(
          "INVALID_CONFIG",
          `rate limit ${name} must be a number of at least 0 (got ${value})`,
        );
      }
    }
    const eventBurst = eventsPerSecond * burstSeconds;
    if (eventsPerSecond > 0 && eventBurst < LIMITS.maxBatchEvents) {
      throw new LoopkitError(
        "INVALID_CONFIG",
        `the events rate limit lets a key send only ${eventBurst} events at once (${eventsPerSecond}/s × ${burstSeconds} s of burst), less than one full batch of ${LIMITS.maxBatchEvents}; raise the rate or the burst seconds`,
      );
    }
    this.requests =
      requestsPerSecond > 0
        ? new KeyRateLimit(
            { perSecond: requestsPerSecond, burst: Math.max(1, requestsPerSecond * burstSeconds) },
            "requests",
            now,
          )
        : null;
    this.events =
      eventsPerSecond > 0
        ? new KeyRateLimit({ perSecond: eventsPerSecond, burst: eventBurst }, "events", now)
        : null;
  }

  /** Counts one procedure call of the key, or throws {@link RateLimitedError}. */
  request(keyId: string): void {
    this.requests?.take(keyId);
  }

  /** Counts `count` events sent by the key, or throws {@link RateLimitedError}. */
  sendEvents(keyId: string, count: number): void {
    this.events?.take(keyId, count);
  }
}

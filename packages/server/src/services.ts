import type { Database } from "@loopkit/db";
import { KeyRateLimits } from "./auth/key-rate-limits.js";
import { type BackgroundRunOptions, BackgroundRuns } from "./evaluations/background-runs.js";
import { IngestGate } from "./ingest/gate.js";

/** Limits the server enforces on every request. */
export interface ServerLimits {
  /** `ingest.batch` calls being processed at once before new ones get 429. */
  maxInFlightBatches: number;
  /** Bytes of a request body; larger bodies are refused before they are parsed. */
  maxBodyBytes: number;
  /**
   * Procedure calls one API key may make per second in this process (a token bucket; past it
   * 429 `RATE_LIMITED` + Retry-After, other keys unaffected); 0 turns the limit off.
   */
  rateLimitRequestsPerSecond: number;
  /** Events one API key may send per second through `ingest.batch` in this process; 0: off. */
  rateLimitEventsPerSecond: number;
  /** Seconds of either rate a key may spend at once (its buckets' size, the allowed burst). */
  rateLimitBurstSeconds: number;
}

/** The limits used when the host sets none. */
export const DEFAULT_LIMITS: ServerLimits = {
  maxInFlightBatches: 64,
  maxBodyBytes: 5 * 1024 * 1024,
  rateLimitRequestsPerSecond: 500,
  rateLimitEventsPerSecond: 10_000,
  rateLimitBurstSeconds: 2,
};

/** The OpenAI-compatible endpoint judges and candidate prompts run on (evaluations). */
export interface JudgeLlmSettings {
  /** e.g. `http://localhost:11434/v1`; the openai SDK's default when absent. */
  baseURL?: string;
  apiKey: string;
  /** The judge model, e.g. `gpt-4o-mini`. */
  model: string;
}

/** What the router needs from the process that hosts it. */
export interface LoopkitServices {
  db: Database;
  /** The server secret: user ids and pseudonyms are keyed by HMACs derived from it per project. */
  secret: string;
  /** Token for the admin procedures (project management); admin procedures are off without it. */
  adminToken?: string;
  limits: ServerLimits;
  ingestGate: IngestGate;
  /** The per-key request and event rate limits (in this process's memory). */
  rateLimits: KeyRateLimits;
  /** Evaluations are off (answering how to turn them on) without it. */
  llm?: JudgeLlmSettings;
  /**
   * Evaluation runs executing in this process (and, once `watchForAbandonedRuns()` is called,
   * runs that stopped processes left); `stopAll()` them before closing the database.
   */
  backgroundRuns: BackgroundRuns;
  /** Where background failures are reported (default: nowhere; the run's status records them). */
  onBackgroundError: (error: unknown) => void;
  /** Called after each committed batch with its counts (for metrics such as events ingested). */
  onIngested: (counts: IngestCounts) => void;
  /**
   * Called when the database refused a value that a procedure's input schema let through (a
   * schema gap; the caller got 400 `INVALID_INPUT`). Default: a warning on the console.
   */
  onInputRefused: (refusal: InputRefusal) => void;
}

/** A value the database refused after the input schema let it through: what a warning says. */
export interface InputRefusal {
  /** The request's `x-request-id`, or null for an in-process call. */
  requestId: string | null;
  /** The procedure's path (`requests.list`). */
  procedure: string;
  /** PostgreSQL's SQLSTATE (`22P02`). */
  sqlstate: string;
  /** The database's message up to its first colon, quoted values dropped (`value … is out of range for type integer`). */
  databaseMessage: string;
}

/** The default {@link LoopkitServices.onInputRefused}: one warning line on the console. */
function warnInputRefused(refusal: InputRefusal): void {
  console.warn(
    `loopkit: the database refused input of ${refusal.procedure} that its schema let through (SQLSTATE ${refusal.sqlstate}: ${refusal.databaseMessage}; request ${refusal.requestId ?? "in-process"}); answered 400 INVALID_INPUT`,
  );
}

/** How many events of a committed batch were accepted, duplicates, or rejected. */
export interface IngestCounts {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** Options of {@link createLoopkitServices}. */
export interface LoopkitServicesOptions extends BackgroundRunOptions {
  db: Database;
  secret: string;
  adminToken?: string;
  limits?: Partial<ServerLimits>;
  llm?: JudgeLlmSettings;
  onBackgroundError?: (error: unknown) => void;
  onIngested?: (counts: IngestCounts) => void;
  onInputRefused?: (refusal: InputRefusal) => void;
}

/** Builds the services a router needs, with defaults for the limits left out. */
export function createLoopkitServices(options: LoopkitServicesOptions): LoopkitServices {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  if (options.secret.length < 16) {
    throw new Error("the server secret must be at least 16 characters long");
  }
  const onBackgroundError = options.onBackgroundError ?? (() => {});
  return {
    db: options.db,
    secret: options.secret,
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
    limits,
    ingestGate: new IngestGate(limits.maxInFlightBatches),
    rateLimits: new KeyRateLimits({
      requestsPerSecond: limits.rateLimitRequestsPerSecond,
      eventsPerSecond: limits.rateLimitEventsPerSecond,
      burstSeconds: limits.rateLimitBurstSeconds,
    }),
    ...(options.llm ? { llm: options.llm } : {}),
    backgroundRuns: new BackgroundRuns(options.db, options.llm, options, onBackgroundError),
    onBackgroundError,
    onIngested: options.onIngested ?? (() => {}),
    onInputRefused: options.onInputRefused ?? warnInputRefused,
  };
}

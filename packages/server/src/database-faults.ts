import { LoopkitError } from "@loopkit/core";

/** Node socket errors meaning the database cannot be reached. */
const UNREACHABLE_ERRNO = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * PostgreSQL SQLSTATEs meaning the server is going away or not accepting sessions (class 08,
 * connection exception, is matched by its prefix): admin_shutdown, crash_shutdown,
 * cannot_connect_now, too_many_connections.
 */
const UNAVAILABLE_SQLSTATE = new Set(["57P01", "57P02", "57P03", "53300"]);

/** Messages of `pg`, `pg-pool` and PGlite errors that carry no code. */
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end|PGlite is clos(ed|ing))/;

/** pg-pool's error when every connection stayed busy for the whole `acquireTimeoutMs`. */
const POOL_EXHAUSTED_MESSAGE = "timeout exceeded when trying to connect";

/**
 * Classifies an error thrown while using the database (the one place that knows the drivers'
 * connection failures): a database that is down, restarting, unreachable or closed gives
 * `DATABASE_UNAVAILABLE` (HTTP 503); a pool whose connections all stayed busy past the acquire
 * bound gives `OVERLOADED` (HTTP 429). Anything else (a bad statement, a constraint) gives null:
 * it is not a fault of availability and stays an internal error.
 */
export function databaseFault(error: unknown): LoopkitError | null {
  for (const cause of causes(error)) {
    if (cause.message === POOL_EXHAUSTED_MESSAGE) {
      return new LoopkitError(
        "OVERLOADED",
        "every database connection is busy (the database is slow or stalled); retry after the Retry-After delay",
        { cause: error },
      );
    }
    const code = typeof cause.code === "string" ? cause.code : "";
    if (
      UNREACHABLE_ERRNO.has(code) ||
      UNAVAILABLE_SQLSTATE.has(code) ||
      /^08[0-9A-Z]{3}$/.test(code) ||
      UNAVAILABLE_MESSAGE.test(cause.message)
    ) {
      return new LoopkitError(
        "DATABASE_UNAVAILABLE",
        "the database is unavailable (down, restarting or unreachable); nothing was stored, retry after the Retry-After delay",
        { cause: error },
      );
    }
  }
  return null;
}

interface ErrorLike {
  message: string;
  code?: unknown;
}

/** The error, its `cause` chain and the members of an AggregateError (Node's dual-stack connect). */
function* causes(error: unknown, depth = 0): Generator<ErrorLike> {
  if (depth > 8 || typeof error !== "object" || error === null) return;
  const candidate = error as {
    message?: unknown;
    code?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof candidate.message === "string") yield candidate as ErrorLike;
  if (Array.isArray(candidate.errors)) {
    for (const member of candidate.errors) yield* causes(member, depth + 1);
  }
  yield* causes(candidate.cause, depth + 1);
}

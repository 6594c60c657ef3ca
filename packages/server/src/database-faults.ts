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

const UNSTORABLE_TEXT =
  "a text holds a character the database cannot store (NUL, or an unpaired UTF-16 surrogate): remove it";

/**
 * PostgreSQL data errors that a value sent by the caller causes (SQLSTATE class 22 and the
 * statement-complexity limit), with what the caller should change. Class 22 errors that come
 * from the server's own computation (22012 division_by_zero, 22023 invalid_parameter_value…)
 * are not listed: they are bugs, and stay 500.
 */
const INPUT_SQLSTATE = new Map<string, string>([
  ["22021", UNSTORABLE_TEXT],
  ["22P05", UNSTORABLE_TEXT],
  ["22003", "a number is beyond the range the database holds: send a smaller one"],
  ["22001", "a text is longer than the database holds: send a shorter one"],
  [
    "22007",
    "a date or time is not in a form the database reads: send ISO 8601 (2026-01-31T12:00:00Z)",
  ],
  ["22008", "a date or time is out of the range the database holds: send a real date"],
  [
    "22P02",
    "a value is not in the form the database expects (a malformed id, number or cursor): send it as the API reference describes",
  ],
  [
    "54001",
    "the input is too complex for the database (nested too deeply): flatten it or send less",
  ],
]);

/** A database refusal of input that the procedure's schema let through: a schema gap. */
export interface InputFault {
  /** `INVALID_INPUT`, with a message that names the procedure and holds no SQL or data. */
  error: LoopkitError;
  /** The database's SQLSTATE (`22021`). */
  sqlstate: string;
  /** The database's message up to its first colon, quoted values dropped (`value … is out of range for type integer`). */
  databaseMessage: string;
}

/** Characters of the database's message kept for the log. */
const MAX_DATABASE_MESSAGE = 200;

/**
 * Classifies a PostgreSQL data error caused by the input of `procedure` (NUL in a text, a
 * number beyond its column, a malformed uuid or time, input nested past the database's stack;
 * see `INPUT_SQLSTATE`) as `INVALID_INPUT` (HTTP 400), the last line of defence behind the
 * input schemas. The answer's message names the procedure and the kind of value, never the
 * SQL or the value; the database's message is kept apart, cut at its first colon with its quoted values dropped, for the
 * warning that makes the schema gap visible. Anything else gives null.
 */
export function inputFault(error: unknown, procedure: string): InputFault | null {
  for (const cause of causes(error)) {
    const sqlstate = typeof cause.code === "string" ? cause.code : "";
    const advice = INPUT_SQLSTATE.get(sqlstate);
    if (advice === undefined) continue;
    return {
      error: new LoopkitError(
        "INVALID_INPUT",
        `${procedure}: the database refused a value of the input (SQLSTATE ${sqlstate}): ${advice}`,
        { cause: error },
      ),
      sqlstate,
      databaseMessage: cause.message
        .split(":")[0]!
        .replace(/"[^"]*"?/g, "…")
        .slice(0, MAX_DATABASE_MESSAGE),
    };
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

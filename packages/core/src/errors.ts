/** Stable error codes that clients can branch on; the message says what to do. */
export type LoopkitErrorCode =
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "INVALID_INPUT"
  | "INVALID_EVENT"
  | "BATCH_TOO_LARGE"
  | "PAYLOAD_TOO_LARGE"
  | "OVERLOADED"
  | "RATE_LIMITED"
  | "DATABASE_UNAVAILABLE"
  | "CONFLICT"
  | "INVALID_CONFIG"
  | "MIGRATION_FAILED"
  | "INTERNAL";

/** An error that reaches a user: a stable `code` and a message saying what was wrong and how to fix it. */
export class LoopkitError extends Error {
  override readonly name = "LoopkitError";
  constructor(
    readonly code: LoopkitErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

import pino, { type Logger } from "pino";

/**
 * Fields never written to the logs, wherever they appear: API keys and tokens travel in the
 * `Authorization` header and in key-management answers, and must not reach a log file.
 */
const REDACTED_PATHS = [
  "authorization",
  "headers.authorization",
  "req.headers.authorization",
  "key",
  "*.key",
  "publicKey",
  "secretKey",
  "*.publicKey",
  "*.secretKey",
  "adminToken",
];

/** The server's structured JSON logger (pino), with keys redacted. */
export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } });
}

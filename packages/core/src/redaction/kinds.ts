/** The kinds of secret that {@link redact} recognizes, all found by one recognizer. */
export const SECRET_KINDS = [
  "OPENAI_KEY",
  "ANTHROPIC_KEY",
  "AWS_ACCESS_KEY",
  "GITHUB_TOKEN",
  "SLACK_TOKEN",
  "STRIPE_KEY",
  "JWT",
  "PRIVATE_KEY",
  "URL_CREDENTIALS",
] as const;

/** The kinds of personal data and secrets that {@link redact} recognizes; names are stable. */
export const BUILTIN_KINDS = [
  "EMAIL",
  "PHONE",
  "CREDIT_CARD",
  "IBAN",
  "US_SSN",
  "IP_ADDRESS",
  ...SECRET_KINDS,
] as const;

/** One of {@link BUILTIN_KINDS}. */
export type BuiltinKind = (typeof BUILTIN_KINDS)[number];

/** Where a recognizer reports a candidate: `[start, end)` in UTF-16 code units of the text. */
export type Emit = (kind: BuiltinKind, start: number, end: number) => void;

/** A recognizer scans a text once and reports candidates; it must run in linear time. */
export interface Recognizer {
  /** The kinds this recognizer can report; it is skipped when none of them is enabled. */
  readonly kinds: readonly BuiltinKind[];
  scan(text: string, emit: Emit): void;
}

/**
 * When two candidates overlap, the one of higher priority wins (then the longer one): a secret
 * beats the email-looking part of a connection string, an IBAN beats the digits inside it.
 */
export const KIND_PRIORITY: Readonly<Record<string, number>> = {
  PRIVATE_KEY: 100,
  JWT: 95,
  ANTHROPIC_KEY: 92,
  OPENAI_KEY: 90,
  AWS_ACCESS_KEY: 90,
  GITHUB_TOKEN: 90,
  SLACK_TOKEN: 90,
  STRIPE_KEY: 90,
  URL_CREDENTIALS: 85,
  IBAN: 70,
  CREDIT_CARD: 65,
  US_SSN: 60,
  EMAIL: 55,
  IP_ADDRESS: 50,
  PHONE: 45,
};

/** Priority of custom patterns: above built-in PII, below secrets. */
export const CUSTOM_PRIORITY = 80;

/** Whether a UTF-16 code unit is an ASCII letter, digit or underscore. */
export function isWordChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95
  );
}

/** Whether a UTF-16 code unit is an ASCII letter or digit. */
export function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Whether a UTF-16 code unit is a hexadecimal digit (either case). */
export function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

import { createHash, randomBytes } from "node:crypto";

/** The two kinds of API key: public (safe in a browser) and secret (everything in its project). */
export type ApiKeyKind = "public" | "secret";

const PREFIX: Record<ApiKeyKind, string> = { public: "lk_pub_", secret: "lk_sec_" };
const KEY_PATTERN = /^lk_(pub|sec)_[A-Za-z0-9_-]{32,128}$/;

/** Makes a new random API key (256 bits of entropy) with a prefix that tells its kind. */
export function generateApiKey(kind: ApiKeyKind): string {
  return PREFIX[kind] + randomBytes(32).toString("base64url");
}

/** True when `key` has the form of a Loopkit key of that kind. */
export function isApiKeyOfKind(key: string, kind: ApiKeyKind): boolean {
  return KEY_PATTERN.test(key) && key.startsWith(PREFIX[kind]);
}

/**
 * The stored form of a key: SHA-256 hex. Keys are 256-bit random values, so a fast hash is as
 * safe as a slow one (there is nothing to brute-force) and lookups stay one index probe.
 */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** The part of a key that may be shown again after creation (kind and first characters). */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 14);
}

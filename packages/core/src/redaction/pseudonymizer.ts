import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex } from "@noble/hashes/utils";
import { LoopkitError } from "../errors.js";
import type { Pseudonymizer } from "./replacement.js";

const encoder = new TextEncoder();
const CACHE_LIMIT = 10_000;

/**
 * Makes the synchronous pseudonymizer of the `pseudonym` strategy: the first 6 hex digits of
 * HMAC-SHA256(key, canonical value), so the same value always gets the same token and nobody
 * without the key can guess a value from its token. Recent results are cached (up to 10 000).
 * Kept out of the main entry so that bundles which never pseudonymize do not ship SHA-256.
 *
 * @param key - A per-project secret, as a UTF-8 string or bytes; must not be empty.
 * @returns The function to pass as `redact(text, { strategy: "pseudonym", pseudonymize })`.
 * @throws {LoopkitError} `INVALID_CONFIG` when the key is empty.
 *
 * @example
 * import { createPseudonymizer } from "@loopkit/core/pseudonym";
 * const pseudonymize = createPseudonymizer(projectSecret);
 * redact("mail jane@example.com", { strategy: "pseudonym", pseudonymize }).text;
 * // "mail [EMAIL_…]" (6 hex digits)
 */
export function createPseudonymizer(key: string | Uint8Array): Pseudonymizer {
  const bytes = typeof key === "string" ? encoder.encode(key) : key;
  if (bytes.length === 0) {
    throw new LoopkitError(
      "INVALID_CONFIG",
      "createPseudonymizer: the key is empty; pass a per-project secret, so pseudonyms cannot be reversed by guessing",
    );
  }
  const cache = new Map<string, string>();
  return (_kind, value) => {
    let token = cache.get(value);
    if (token === undefined) {
      token = bytesToHex(hmac(sha256, bytes, encoder.encode(value))).slice(0, 6);
      if (cache.size < CACHE_LIMIT) cache.set(value, token);
    }
    return token;
  };
}

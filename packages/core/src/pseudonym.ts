/**
 * `@loopkit/core/pseudonym`: the keyed HMAC-SHA256 behind the `pseudonym` redaction strategy, in
 * its own entry so that the main entry's `redact` does not bundle SHA-256 for apps that only use
 * placeholders or masks. Isomorphic, like the main entry.
 */
export { createPseudonymizer } from "./redaction/pseudonymizer.js";
export type { Pseudonymizer } from "./redaction/replacement.js";

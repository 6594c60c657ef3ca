import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex } from "@noble/hashes/utils";

/** How a recognized value is replaced. */
export type RedactionStrategy = "placeholder" | "pseudonym" | "mask";

const encoder = new TextEncoder();

/** Kinds whose mask keeps the last four characters. */
const MASKABLE = new Set(["CREDIT_CARD", "PHONE", "IBAN"]);

/**
 * The form of a value that pseudonyms hash, so that the same card, phone, IBAN or SSN written
 * with or without spaces (or an email in another case) gets the same pseudonym.
 */
function canonical(kind: string, value: string): string {
  switch (kind) {
    case "CREDIT_CARD":
    case "PHONE":
    case "US_SSN":
      return value.replace(/\D+/g, "");
    case "IBAN":
      return value.replace(/\s+/g, "").toUpperCase();
    case "EMAIL":
      return value.toLowerCase();
    default:
      return value;
  }
}

/** Turns a finding into its replacement text for one strategy. */
export type Replacer = (kind: string, value: string) => string;

/**
 * Makes the replacer for a strategy: `[EMAIL]`; `[EMAIL_3f9a1c]` (first 6 hex digits of
 * HMAC-SHA256(key, value), the same value giving the same token); or `[CREDIT_CARD …4242]`
 * (last four characters of cards, phones and IBANs; a placeholder for other kinds).
 */
export function makeReplacer(strategy: RedactionStrategy, pseudonymKey?: Uint8Array): Replacer {
  if (strategy === "pseudonym") {
    const key = pseudonymKey!;
    const cache = new Map<string, string>();
    return (kind, value) => {
      const input = `${kind}\u0000${canonical(kind, value)}`;
      let token = cache.get(input);
      if (token === undefined) {
        token = bytesToHex(hmac(sha256, key, encoder.encode(canonical(kind, value)))).slice(0, 6);
        if (cache.size < 10_000) cache.set(input, token);
      }
      return `[${kind}_${token}]`;
    };
  }
  if (strategy === "mask") {
    return (kind, value) => {
      if (!MASKABLE.has(kind)) return `[${kind}]`;
      const chars = value.replace(/[^A-Za-z0-9]+/g, "");
      return `[${kind} …${chars.slice(-4)}]`;
    };
  }
  return (kind) => `[${kind}]`;
}

/** Encodes a pseudonym key given as a string (UTF-8) or bytes. */
export function keyBytes(key: string | Uint8Array): Uint8Array {
  return typeof key === "string" ? encoder.encode(key) : key;
}

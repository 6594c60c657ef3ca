/** How a recognized value is replaced. */
export type RedactionStrategy = "placeholder" | "pseudonym" | "mask";

/**
 * Turns a value into the 6 lower-case hex digits of its pseudonym, synchronously: `kind` is the
 * finding's kind, `value` its canonical form (see {@link canonicalValue}). Make one with
 * `createPseudonymizer(key)` from `@loopkit/core/pseudonym`; the token is `[${kind}_${hex}]`.
 */
export type Pseudonymizer = (kind: string, value: string) => string;

/** Kinds whose mask keeps the last four characters. */
const MASKABLE = new Set(["CREDIT_CARD", "PHONE", "IBAN"]);

/**
 * The form of a value that pseudonyms hash, so that the same card, phone, IBAN or SSN written
 * with or without spaces (or an email in another case) gets the same pseudonym.
 *
 * @param kind - The finding's kind (`EMAIL`, `CREDIT_CARD`…).
 * @param value - The value as written in the text.
 * @returns Digits only for cards, phones and SSNs; IBANs without spaces in upper case; emails in
 *   lower case; other values unchanged.
 */
export function canonicalValue(kind: string, value: string): string {
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
 * Makes the replacer for a strategy: `[EMAIL]`; `[EMAIL_3f9a1c]` (the pseudonymizer's hex for
 * the canonical value); or `[CREDIT_CARD …4242]` (last four characters of cards, phones and
 * IBANs; a placeholder for other kinds).
 */
export function makeReplacer(strategy: RedactionStrategy, pseudonymize?: Pseudonymizer): Replacer {
  if (strategy === "pseudonym") {
    return (kind, value) => `[${kind}_${pseudonymize!(kind, canonicalValue(kind, value))}]`;
  }
  if (strategy === "mask") {
    return (kind, value) =>
      MASKABLE.has(kind)
        ? `[${kind} …${value.replace(/[^A-Za-z0-9]+/g, "").slice(-4)}]`
        : `[${kind}]`;
  }
  return (kind) => `[${kind}]`;
}

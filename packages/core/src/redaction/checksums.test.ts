import { describe, expect, it } from "vitest";
import { IBAN_LENGTHS, ibanChecksumValid, luhnValid } from "./checksums.js";

describe("luhnValid", () => {
  // Stripe's published test card numbers (stripe.com/docs/testing) all carry a valid check digit.
  it.each([
    "4242424242424242",
    "5555555555554444",
    "378282246310005",
    "6011111111111117",
    "36227206271667",
  ])("accepts %s", (n) => expect(luhnValid(n)).toBe(true));
  // The worked example of the Luhn algorithm on Wikipedia: 7992739871 + check digit 3.
  it("follows the textbook example 79927398713", () => {
    expect(luhnValid("79927398713")).toBe(true);
    for (let d = 0; d <= 9; d++) if (d !== 3) expect(luhnValid(`7992739871${d}`)).toBe(false);
  });
  it("rejects a changed digit, non-digits and empty input", () => {
    expect(luhnValid("4242424242424241")).toBe(false);
    expect(luhnValid("4242-4242")).toBe(false);
    expect(luhnValid("")).toBe(false);
  });
});

describe("ibanChecksumValid", () => {
  // Examples from the SWIFT IBAN Registry.
  it.each([
    "GB29NWBK60161331926819",
    "DE89370400440532013000",
    "FR1420041010050500013M02606",
    "NO9386011117947",
  ])("accepts %s with its registered length", (iban) => {
    expect(ibanChecksumValid(iban)).toBe(true);
    expect(iban.length).toBe(IBAN_LENGTHS[iban.slice(0, 2)]);
  });
  it("knows 88 countries of the registry, with their lengths", () => {
    // SWIFT IBAN Registry: the shortest is Norway (15), the longest Russia (33); Saint Lucia 32.
    expect(Object.keys(IBAN_LENGTHS)).toHaveLength(88);
    expect(IBAN_LENGTHS).toMatchObject({ NO: 15, BE: 16, DE: 22, FR: 27, LC: 32, RU: 33 });
    for (const length of Object.values(IBAN_LENGTHS)) {
      expect(length).toBeGreaterThanOrEqual(15);
      expect(length).toBeLessThanOrEqual(33);
    }
  });
  it("rejects a changed digit, swapped digits and bad characters", () => {
    expect(ibanChecksumValid("GB29NWBK60161331926818")).toBe(false);
    expect(ibanChecksumValid("GB29NWBK60161331926891")).toBe(false);
    expect(ibanChecksumValid("GB29 NWBK 6016 1331 9268 19")).toBe(false);
    expect(ibanChecksumValid("GB2")).toBe(false);
  });
});

/**
 * Luhn (mod 10) check over a string of ASCII digits, as card numbers carry it (ISO/IEC 7812-1).
 *
 * @param digits - Digits only.
 * @returns `true` when the check digit is right.
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * IBAN lengths by country, from the SWIFT IBAN Registry (ISO 13616): each length followed by the
 * country codes of that length ("15NO16BE18DK…": Norway 15, Belgium 16, Denmark 18…): 212
 * characters in the browser bundle instead of the 528 of an `{ AD: 24, … }` literal.
 */
const IBAN_LENGTHS_BY_LENGTH =
  "15NO16BE18DKFIFKFOGLNLSD19MKSI20ATBAEEKZLTLUMNXK21CHHRLILV" +
  "22BGBHCRDEGBGEIEMERSVA23AEGIILIQOMSOTL24ADCZESMDPKROSASESKTNVG25LYPTST" +
  "26ISTR27BIDJFRGRITMCMRSM28ALAZBYCYDOGTHULBNIPLSV29BREGPSQAUA30JOKWMUYE" +
  "31MTSC32LC33RU";

/** IBAN lengths by country code, from the SWIFT IBAN Registry (ISO 13616). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {};
for (const [, length, countries] of IBAN_LENGTHS_BY_LENGTH.matchAll(/(\d+)([A-Z]+)/g)) {
  for (let i = 0; i < countries!.length; i += 2) {
    (IBAN_LENGTHS as Record<string, number>)[countries!.slice(i, i + 2)] = Number(length);
  }
}

/**
 * ISO 7064 MOD 97-10 check of an IBAN (ISO 13616): move the first four characters to the end,
 * turn letters into numbers (A = 10 … Z = 35), and the remainder mod 97 must be 1.
 *
 * @param iban - Upper-case letters and digits, no spaces.
 * @returns `true` when the check digits are right.
 */
export function ibanChecksumValid(iban: string): boolean {
  if (iban.length < 5) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      remainder = (remainder * 10 + (c - 48)) % 97;
    } else if (c >= 65 && c <= 90) {
      remainder = (remainder * 100 + (c - 55)) % 97;
    } else {
      return false;
    }
  }
  return remainder === 1;
}

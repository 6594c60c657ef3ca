import { luhnValid } from "./checksums.js";
import type { BuiltinKind } from "./kinds.js";

/**
 * Classifiers for one candidate window of digits and separators (at most ~45 characters, so the
 * small regexes here cannot backtrack far). Checksums and numbering-plan rules do the precision
 * work; the formats are those people write by hand.
 */

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const SSN = /^(\d{3})([- ])(\d{2})\2(\d{4})$/;
const CARD_PREFIX = /^(?:4|5[0-8]|2[2-7]|3[0-9]|6)/;
const PHONE_US = /^(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .-])\d{3}[ .-]\d{4}$/;
const PHONE_UK = /^(?:\(0[1-9]\d{1,3}\)|0[1-9]\d{1,3}) ?\d{3,4} ?\d{3,4}$/;
const PHONE_DE = /^(?:\(0[1-9]\d{1,4}\)|0[1-9]\d{1,4})[ /-]\d{3,8}(?:[ -]\d{1,5})?$/;
const PHONE_FR = /^0[1-9](?:[ .-]\d{2}){4}$/;
const PHONE_IN = /^0?[6-9]\d{4}[ -]\d{5}$/;
const PHONE_INTL_CHARS = /^\+[1-9][\d ().-]*\d$/;
/** Bare national numbers, taken only after a phone word: US/Canada, UK/DE/FR (trunk 0), India. */
const PHONE_BARE = /^(?:1?[2-9]\d{2}[2-9]\d{6}|0[1-9]\d{8,10}|[6-9]\d{9})$/;
const SSN_CONTEXT = /ssn|social security|ss#/;
const PHONE_CONTEXT =
  /\b(?:phone|tel|telephone|mobile|cell|call|text me|sms|whatsapp|fax|ring|dial|my number)\b[^\d]{0,15}$/;
/** "Call ID 4155550132", "phone order #…": an identifier right before the digits wins. */
const ID_CONTEXT = /\b(?:id|ref|order|invoice|ticket|account|acct|no\.?|nr\.?)\s*[:#]?\s*$|#\s*$/;

function validOctet(part: string): boolean {
  if (part.length > 1 && part.charCodeAt(0) === 48) return false;
  return Number(part) <= 255;
}

/** A dotted-quad IPv4 address with octets 0–255 and no leading zeros. */
export function isIpv4(window: string): boolean {
  const m = IPV4.exec(window);
  return (
    m !== null && validOctet(m[1]!) && validOctet(m[2]!) && validOctet(m[3]!) && validOctet(m[4]!)
  );
}

/** A 9-digit US SSN: area not 000, 666 or 900–999, group not 00, serial not 0000 (SSA rules). */
export function isSsnDigits(area: string, group: string, serial: string): boolean {
  if (area === "000" || area === "666" || area.charCodeAt(0) === 57) return false;
  return group !== "00" && serial !== "0000";
}

/** An SSN written `123-45-6789` or `123 45 6789`. */
export function isFormattedSsn(window: string): boolean {
  const m = SSN.exec(window);
  return m !== null && isSsnDigits(m[1]!, m[3]!, m[4]!);
}

/**
 * A payment card number: 13–19 digits with a major-brand prefix (Visa, Mastercard, Amex,
 * Discover, Diners, JCB, UnionPay, Maestro) and a valid Luhn check digit, written without
 * separators or in groups of 3–6 digits split by one kind of separator (space or dash).
 */
export function isCardNumber(window: string, digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  if (!CARD_PREFIX.test(digits)) return false;
  if (window.length !== digits.length) {
    let separator = -1;
    let groupLength = 0;
    for (let i = 0; i < window.length; i++) {
      const c = window.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        groupLength++;
        continue;
      }
      if (c !== 32 && c !== 45) return false;
      if (separator === -1) separator = c;
      else if (separator !== c) return false;
      if (groupLength < 3 || groupLength > 6) return false;
      groupLength = 0;
    }
    if (groupLength < 3 || groupLength > 6) return false;
  }
  return luhnValid(digits);
}

/**
 * A telephone number: international (`+` country code, 8–15 digits in all, E.164) or a national
 * format of the US/Canada (NANP), UK, Germany, France or India. National numbers must carry
 * their usual separators, so bare digit runs (order numbers, timestamps) are not taken for phones.
 */
export function isPhoneNumber(window: string, digits: string): boolean {
  const first = window.charCodeAt(0);
  if (first === 43 /* + */) {
    return digits.length >= 8 && digits.length <= 15 && PHONE_INTL_CHARS.test(window);
  }
  // National numbers: 10 or 11 digits (with the trunk 0 or the US "1"), 9–12 in Germany
  // (libphonenumber's DE fixed-line example, 030 123456, has 9 with its trunk 0).
  const count = digits.length;
  if (count < 9 || count > 12 || window.length === count) return false;
  if (
    count > 9 &&
    count < 12 &&
    (PHONE_US.test(window) || PHONE_UK.test(window) || PHONE_IN.test(window))
  ) {
    return true;
  }
  if (count === 10 && PHONE_FR.test(window)) return true;
  // German numbers take one dash at most ("030 1234567-89"); "0451-103-366" is a part number.
  // With 9 digits, only area code and subscriber ("030 123456"), not the tail of a longer run.
  return (
    PHONE_DE.test(window) &&
    window.indexOf("-") === window.lastIndexOf("-") &&
    (count > 9 || !/\d[ /-]\d+[ -]/.test(window))
  );
}

/**
 * Classifies a window: IPv4, SSN, card or phone, or `null`.
 *
 * @param window - Digits with separators, starting and ending at a digit (or `+`/`(` at the start).
 * @param before - The 30 characters before the window, lower-cased (called only for bare digit
 *   runs): 9 bare digits are an SSN after "SSN" or "social security", 10–11 bare digits a
 *   phone number after a phone word ("call", "mobile", "tel", "WhatsApp"…).
 */
export function classifyNumber(window: string, before: () => string): BuiltinKind | null {
  const digits = window.replace(/\D+/g, "");
  if (digits.length < 9) return isIpv4(window) ? "IP_ADDRESS" : null;
  if (isIpv4(window)) return "IP_ADDRESS";
  if (digits.length === 9) {
    if (isFormattedSsn(window)) return "US_SSN";
    if (
      window.length === 9 &&
      SSN_CONTEXT.test(before()) &&
      isSsnDigits(digits.slice(0, 3), digits.slice(3, 5), digits.slice(5))
    ) {
      return "US_SSN";
    }
  }
  if (isCardNumber(window, digits)) return "CREDIT_CARD";
  if (isPhoneNumber(window, digits)) return "PHONE";
  if (window.length === digits.length && PHONE_BARE.test(digits)) {
    const context = before();
    if (PHONE_CONTEXT.test(context) && !ID_CONTEXT.test(context)) return "PHONE";
  }
  return null;
}

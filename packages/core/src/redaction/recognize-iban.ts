import { IBAN_LENGTHS, ibanChecksumValid } from "./checksums.js";
import { type Emit, isAlnum, isWordChar, type Recognizer } from "./kinds.js";

/** A country code, two check digits, then letters and digits, optionally in space-separated groups. */
const IBAN_CANDIDATE = /[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,32}/g;

/**
 * Finds IBANs: the country's registered length (SWIFT IBAN Registry) decides where it ends, and
 * the ISO 7064 MOD 97-10 check digits decide whether it is one.
 */
export const ibanRecognizer: Recognizer = {
  kinds: ["IBAN"],
  scan(text: string, emit: Emit): void {
    IBAN_CANDIDATE.lastIndex = 0;
    for (let m = IBAN_CANDIDATE.exec(text); m !== null; m = IBAN_CANDIDATE.exec(text)) {
      const start = m.index;
      const length = IBAN_LENGTHS[m[0].slice(0, 2)];
      const glued = start > 0 && isWordChar(text.charCodeAt(start - 1));
      let end = -1;
      let compact = "";
      if (length !== undefined && !glued) {
        const candidate = m[0];
        for (let i = 0; i < candidate.length && compact.length < length; i++) {
          const c = candidate.charCodeAt(i);
          if (c !== 32) {
            compact += candidate[i];
            if (compact.length === length) end = start + i + 1;
          }
        }
      }
      if (
        end < 0 ||
        (end < text.length && isAlnum(text.charCodeAt(end))) ||
        !ibanChecksumValid(compact)
      ) {
        IBAN_CANDIDATE.lastIndex = start + 1;
        continue;
      }
      emit("IBAN", start, end);
      IBAN_CANDIDATE.lastIndex = end;
    }
  },
};

import { z } from "zod";
import { LIMITS } from "./limits.js";

/** A token count: a whole number from 0 to 2^31 − 1, what a PostgreSQL `integer` holds. */
export const TokenCount = z
  .number()
  .int()
  .nonnegative()
  .max(
    LIMITS.maxTokenCount,
    `is beyond ${LIMITS.maxTokenCount} (2^31 − 1), the largest token count: send the count the provider reported`,
  );

/** `1e15`, `-1e-16`: a number in exponent notation, as limits are written. */
const shown = (value: number) => value.toExponential().replace("e+", "e");

/**
 * A finite number that PostgreSQL `double precision` arithmetic (sums, normalising a rating to
 * its scale) takes without overflow or underflow: 0, or a magnitude from 1e-15 to 1e15.
 */
export const BoundedNumber = z.number().superRefine((value, ctx) => {
  const magnitude = Math.abs(value);
  if (magnitude > LIMITS.maxNumberMagnitude) {
    ctx.addIssue({
      code: "custom",
      message: `is ${shown(value)}; numbers must be within ±${shown(LIMITS.maxNumberMagnitude)}: rescale it`,
    });
  } else if (magnitude !== 0 && magnitude < LIMITS.minNumberMagnitude) {
    ctx.addIssue({
      code: "custom",
      message: `is ${shown(value)}; a number other than 0 must be at least ${shown(LIMITS.minNumberMagnitude)} in magnitude: round it to 0 or rescale it`,
    });
  }
});

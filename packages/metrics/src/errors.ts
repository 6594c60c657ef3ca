import { LoopkitError } from "@loopkit/core";

/**
 * Throws an `INVALID_INPUT` {@link LoopkitError} unless `ok`; `where` names the function and
 * argument, `fix` says what to pass instead.
 */
export function requireInput(ok: boolean, where: string, problem: string, fix: string): void {
  if (!ok) throw new LoopkitError("INVALID_INPUT", `${where}: ${problem}. ${fix}`);
}

/** Checks a confidence level is strictly between 0 and 1 (0.95 means 95%). */
export function requireConfidence(confidence: number, where: string): void {
  requireInput(
    confidence > 0 && confidence < 1,
    where,
    `confidence must be between 0 and 1 (exclusive), got ${confidence}`,
    "Pass a level such as 0.95 for 95%.",
  );
}

/** Checks a count is a non-negative integer. */
export function requireCount(value: number, where: string): void {
  requireInput(
    Number.isInteger(value) && value >= 0,
    where,
    `must be a non-negative whole number, got ${value}`,
    "Pass a count of requests or events.",
  );
}

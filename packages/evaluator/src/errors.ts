import { LoopkitError, type LoopkitErrorCode } from "@loopkit/core";

/**
 * Throws a {@link LoopkitError} when `condition` is false. `where` names the option or file at
 * fault and `fix` says what to do, so the message alone is enough to act on.
 */
export function requireEvaluatorInput(
  condition: unknown,
  where: string,
  problem: string,
  fix: string,
  code: LoopkitErrorCode = "INVALID_CONFIG",
): asserts condition {
  if (!condition) throw new LoopkitError(code, `${where}: ${problem}. ${fix}`);
}

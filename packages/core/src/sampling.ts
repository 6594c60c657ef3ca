import { hash } from "./assignment/growthbook-hash.js";
import { LoopkitError } from "./errors.js";

/** The seed that keeps sampling independent of experiment assignment. */
const SAMPLING_SEED = "loopkit.sampling:";

function checkRate(rate: number, where: string): void {
  if (!(rate >= 0 && rate <= 1)) {
    throw new LoopkitError(
      "INVALID_CONFIG",
      `${where}: sampling rate ${rate} is not between 0 and 1; use 0.1 to keep 10% of conversations`,
    );
  }
}

/**
 * Decides whether to keep the data of `key`, deterministically: the same key always gets the same
 * answer, so passing a conversation id keeps all turns of a conversation together. A key is kept
 * when its hash (GrowthBook hash v2 with a sampling seed, 10 000 buckets) is below `rate`.
 *
 * @param key - What to sample by, usually the conversation id.
 * @param rate - The share to keep, 0–1 (0 keeps nothing, 1 keeps everything).
 * @returns `true` to keep.
 * @throws {LoopkitError} `INVALID_CONFIG` when `rate` is not in 0–1.
 */
export function shouldSample(key: string, rate: number): boolean {
  checkRate(rate, "shouldSample");
  if (rate >= 1) return true;
  return (hash(SAMPLING_SEED, key, 2) ?? 0) < rate;
}

/** One sampling rule; a rule without `promptName`/`promptVersion` matches everything. */
export interface SamplingRule {
  readonly promptName?: string | undefined;
  readonly promptVersion?: string | undefined;
  /** The share to keep, 0–1. */
  readonly rate: number;
}

/**
 * The sampling rate for a prompt version: the most specific matching rule wins (name and version,
 * then name only, then a catch-all rule); `fallback` when none matches.
 *
 * @param rules - The project's sampling rules.
 * @param target - The prompt name and version of the event.
 * @param fallback - The rate when no rule matches (default 1: keep everything).
 * @returns A rate in 0–1.
 * @throws {LoopkitError} `INVALID_CONFIG` when a rule's rate is not in 0–1.
 */
export function sampleRateFor(
  rules: readonly SamplingRule[],
  target: { readonly promptName?: string | undefined; readonly promptVersion?: string | undefined },
  fallback = 1,
): number {
  let best: SamplingRule | undefined;
  let bestScore = -1;
  rules.forEach((rule, i) => {
    checkRate(rule.rate, `sampling rule ${i}`);
    if (rule.promptName !== undefined && rule.promptName !== target.promptName) return;
    if (rule.promptVersion !== undefined && rule.promptVersion !== target.promptVersion) return;
    const score =
      (rule.promptName !== undefined ? 2 : 0) + (rule.promptVersion !== undefined ? 1 : 0);
    if (score > bestScore) {
      best = rule;
      bestScore = score;
    }
  });
  return best ? best.rate : fallback;
}

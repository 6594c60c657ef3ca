import type { ExperimentConfig } from "@loopkit/core";

/**
 * The traffic weight of each variant of an experiment, as `analyzeExperiment` takes them: the
 * configured weights, or an equal split when none are given (as assignment does).
 */
export function experimentWeights(
  config: Pick<ExperimentConfig, "variants">,
): Record<string, number> {
  const equal = 1 / config.variants.length;
  return Object.fromEntries(config.variants.map((v) => [v.key, v.weight ?? equal]));
}

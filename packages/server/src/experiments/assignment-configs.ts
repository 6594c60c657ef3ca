import { createHash } from "node:crypto";
import type { ExperimentConfig } from "@loopkit/core";
import { experimentWeights } from "@loopkit/metrics";

/** What a client needs to assign units to a running experiment with core's `assignVariant`. */
export interface AssignmentConfig {
  key: string;
  /** The hash seed (the key unless the experiment sets one). */
  seed: string;
  /** Variant keys, in order. */
  variants: string[];
  /** Traffic share of each variant, in the order of `variants`; they add up to 1. */
  weights: number[];
  /** Share of units included in the experiment, 0–1. */
  coverage: number;
  /** The prompt version each variant runs, by variant key (absent when the config names none). */
  promptVersions: Record<string, string>;
  promptName: string | null;
}

/** The running experiments' assignment configs and a tag that changes exactly when they do. */
export interface AssignmentConfigs {
  etag: string;
  experiments: AssignmentConfig[];
}

/** The configured weights of an experiment's variants, in their order (equal when none are given). */
function variantWeights(config: ExperimentConfig): number[] {
  const weights = experimentWeights(config);
  return config.variants.map((v) => weights[v.key]!);
}

/** The assignment config of one experiment. */
export function assignmentConfig(config: ExperimentConfig): AssignmentConfig {
  const promptVersions: Record<string, string> = {};
  for (const v of config.variants) if (v.promptVersion) promptVersions[v.key] = v.promptVersion;
  return {
    key: config.key,
    seed: config.seed ?? config.key,
    variants: config.variants.map((v) => v.key),
    weights: variantWeights(config),
    coverage: config.coverage,
    promptVersions,
    promptName: config.promptName ?? null,
  };
}

/**
 * Builds the answer of `experiments.config`, sorted by key. The etag is a hash of the answer's
 * content (not of a process's memory or clock), so every server process on one database gives
 * the same etag for the same experiments.
 */
export function assignmentConfigs(configs: readonly ExperimentConfig[]): AssignmentConfigs {
  const experiments = configs
    .map(assignmentConfig)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const etag = `"${createHash("sha256").update(JSON.stringify(experiments)).digest("base64url").slice(0, 27)}"`;
  return { etag, experiments };
}

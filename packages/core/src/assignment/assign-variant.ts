import { LoopkitError } from "../errors.js";
import {
  type BucketRange,
  chooseVariation,
  getBucketRange,
  hash,
  inNamespace,
  type Namespace,
} from "./growthbook-hash.js";

/** An experiment arm: a key, or an object with a key and an optional weight (as in `ExperimentConfig`). */
export type VariantSpec = string | { readonly key: string; readonly weight?: number | undefined };

/** What {@link assignVariant} needs to know about an experiment. */
export interface AssignableExperiment {
  /** The experiment key; also the hash seed unless `seed` is given. */
  readonly key: string;
  /** The hash seed (GrowthBook's `seed`); defaults to `key`, as does an empty seed in GrowthBook. */
  readonly seed?: string | undefined;
  /** The arms, in order; at least one. */
  readonly variants: readonly VariantSpec[];
  /** The share of included units per arm; defaults to the arms' own weights, else equal. */
  readonly weights?: readonly number[] | undefined;
  /** The share of units included in the experiment, 0–1 (default 1). */
  readonly coverage?: number | undefined;
  /** A GrowthBook namespace `[id, start, end]`: units outside it are not in the experiment. */
  readonly namespace?: Namespace | undefined;
  /**
   * GrowthBook hash version, 1 or 2 (default 2). GrowthBook's SDKs default to 1 when an
   * experiment has none, so give GrowthBook `hashVersion: 2` to get the same arms there.
   */
  readonly hashVersion?: 1 | 2 | undefined;
}

/** The outcome of {@link assignVariant}. */
export type Assignment =
  | { readonly variant: string; readonly index: number; readonly inExperiment: true }
  | { readonly inExperiment: false; readonly index: -1 };

const NOT_IN_EXPERIMENT: Assignment = { inExperiment: false, index: -1 };

function weightsOf(experiment: AssignableExperiment): readonly number[] | undefined {
  if (experiment.weights) return experiment.weights;
  const own = experiment.variants.map((v) => (typeof v === "string" ? undefined : v.weight));
  return own.every((w): w is number => typeof w === "number") ? own : undefined;
}

const rangeCache = new WeakMap<AssignableExperiment, readonly BucketRange[]>();

/**
 * Bucket ranges of an experiment, computed once per experiment object (assignment runs per
 * request; the experiment config is read once): treat experiment objects as immutable.
 */
function rangesOf(experiment: AssignableExperiment): readonly BucketRange[] {
  let ranges = rangeCache.get(experiment);
  if (ranges === undefined) {
    ranges = getBucketRange(
      experiment.variants.length,
      experiment.coverage ?? 1,
      weightsOf(experiment),
    );
    rangeCache.set(experiment, ranges);
  }
  return ranges;
}

/**
 * Assigns a unit (usually a user id) to an experiment arm, deterministically and with no network
 * call: the same inputs give the same arm here, in the browser and in GrowthBook's JavaScript SDK
 * given the same seed and hash version (version 2 by default here:
 * `fnv(String(fnv(seed + unitId))) % 10000 / 10000`, then GrowthBook's bucket ranges); other
 * GrowthBook SDKs agree for ASCII unit ids (see `fnv1a32`). Units outside `coverage` or the
 * namespace are not in the experiment. The bucket ranges are cached per experiment object: pass a
 * new object after changing weights or coverage.
 *
 * @param experiment - The experiment: key, optional seed, variants, weights, coverage, namespace.
 * @param unitId - The id being assigned; the same id always gets the same arm.
 * @returns `{ variant, index, inExperiment: true }`, or `{ inExperiment: false, index: -1 }`.
 * @throws {LoopkitError} `INVALID_CONFIG` when the experiment has no variants.
 */
export function assignVariant(experiment: AssignableExperiment, unitId: string): Assignment {
  const { variants } = experiment;
  if (variants.length === 0) {
    throw new LoopkitError(
      "INVALID_CONFIG",
      `experiment "${experiment.key}" has no variants; give it at least two arms to assign units to`,
    );
  }
  if (experiment.namespace && !inNamespace(unitId, experiment.namespace)) return NOT_IN_EXPERIMENT;
  const n = hash(experiment.seed || experiment.key, unitId, experiment.hashVersion ?? 2);
  if (n === null) return NOT_IN_EXPERIMENT;
  const ranges = rangesOf(experiment);
  const index = chooseVariation(n, ranges);
  if (index < 0) return NOT_IN_EXPERIMENT;
  const spec = variants[index]!;
  return { variant: typeof spec === "string" ? spec : spec.key, index, inExperiment: true };
}

/**
 * GrowthBook's hashing and bucketing primitives, ported from its SDK specification so that a
 * unit gets the same variant here as in GrowthBook's SDKs: in all of them for ASCII ids, and in its
 * JavaScript SDK for any id (see {@link fnv1a32}).
 */

/** A `[start, end)` slice of the unit interval; a unit whose hash falls in it gets that variant. */
export type BucketRange = readonly [start: number, end: number];

/**
 * 32-bit FNV-1a over the UTF-16 code units of `text`, as GrowthBook's JavaScript SDK computes it
 * (`charCodeAt`). For ASCII text this is the standard byte-wise FNV-1a; for other text it differs
 * from SDKs that hash UTF-8 bytes (GrowthBook's Go SDK), which then assign non-ASCII ids otherwise.
 *
 * @param text - The string to hash.
 * @returns An unsigned 32-bit integer.
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) {
    // GrowthBook writes the multiplication by the FNV prime 16777619 (2^24 + 2^8 + 0x93) as
    // shifts and adds; Math.imul is the same product mod 2^32, in integer arithmetic.
    hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  }
  return hash >>> 0;
}

/**
 * GrowthBook's `hash(seed, value, version)`: a number in `[0, 1)`.
 * Version 1 is `fnv(value + seed) % 1000 / 1000`; version 2 (the default for new experiments)
 * is `fnv(String(fnv(seed + value))) % 10000 / 10000`.
 *
 * @param seed - The experiment seed (GrowthBook defaults it to the experiment key).
 * @param value - The unit id being hashed.
 * @param version - The hash version, 1 or 2.
 * @returns The hash in `[0, 1)`, or `null` for an unknown version.
 */
export function hash(seed: string, value: string, version: number): number | null {
  if (version === 2) return (fnv1a32(String(fnv1a32(seed + value))) % 10000) / 10000;
  if (version === 1) return (fnv1a32(value + seed) % 1000) / 1000;
  return null;
}

/**
 * Equal weights for `count` variants (`[]` when `count` is zero or negative).
 *
 * @param count - How many variants.
 * @returns `count` weights of `1 / count` each.
 */
export function getEqualWeights(count: number): number[] {
  if (count <= 0) return [];
  return new Array<number>(count).fill(1 / count);
}

/**
 * GrowthBook's `getBucketRanges`: one range per variant, each `coverage × weight` wide, starting
 * where the previous variant's full weight ended (so changing coverage never moves a unit from one
 * variant to another). Coverage is clamped to `[0, 1]`; weights that are missing, of the wrong
 * length or that do not add up to 1 (±0.01) are replaced by equal weights.
 *
 * @param numVariations - How many variants.
 * @param coverage - The share of units included in the experiment, 0–1.
 * @param weights - The share of included units for each variant.
 * @returns The bucket ranges, one per variant.
 */
export function getBucketRange(
  numVariations: number,
  coverage = 1,
  weights?: readonly number[] | null,
): BucketRange[] {
  const clamped = Math.max(0, Math.min(coverage, 1));
  const equal = getEqualWeights(numVariations);
  let used: readonly number[] = weights ?? equal;
  if (used.length !== numVariations) used = equal;
  const total = used.reduce((sum, w) => sum + w, 0);
  if (total < 0.99 || total > 1.01) used = equal;
  let cumulative = 0;
  return used.map((weight) => {
    const start = cumulative;
    cumulative += weight;
    return [start, start + clamped * weight] as const;
  });
}

/**
 * GrowthBook's `chooseVariation`: the index of the first range that holds `n`, or -1.
 *
 * @param n - A hash in `[0, 1)`.
 * @param ranges - Bucket ranges from {@link getBucketRange}.
 * @returns The variant index, or -1 when `n` falls outside every range (not in the experiment).
 */
export function chooseVariation(n: number, ranges: readonly BucketRange[]): number {
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i]!;
    if (n >= range[0] && n < range[1]) return i;
  }
  return -1;
}

/** A GrowthBook namespace: `[id, start, end)`; experiments in one namespace with disjoint ranges never share units. */
export type Namespace = readonly [id: string, start: number, end: number];

/**
 * GrowthBook's `inNamespace`: whether a unit falls in a namespace's range (hash version 1 with
 * the seed `"__" + id`).
 *
 * @param unitId - The unit id.
 * @param namespace - `[id, start, end]`.
 * @returns `true` when the unit's namespace hash lies in `[start, end)`.
 */
export function inNamespace(unitId: string, namespace: Namespace): boolean {
  const n = hash(`__${namespace[0]}`, unitId, 1);
  if (n === null) return false;
  return n >= namespace[1] && n < namespace[2];
}

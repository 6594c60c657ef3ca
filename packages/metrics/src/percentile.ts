/**
 * The q-quantile (0 ≤ q ≤ 1) of numbers sorted ascending, by linear interpolation between
 * closest ranks: h = (n − 1)·q, x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎). Returns `null` for an
 * empty list.
 *
 * This is PostgreSQL's `percentile_cont`, R's type 7 and numpy's default, so the in-memory
 * aggregates match the SQL ones.
 * Reference: R. J. Hyndman & Y. Fan (1996), "Sample quantiles in statistical packages",
 * Am. Stat. 50:361–365 (definition 7).
 */
export function percentileOfSorted(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * q;
  const lower = Math.floor(h);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower]! + (h - lower) * (sorted[upper]! - sorted[lower]!);
}

/**
 * The `p`-quantile (0–1) of `values` by linear interpolation between closest ranks (the
 * "R-7" definition, as numpy's default `percentile` and PostgreSQL's `percentile_cont`);
 * null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

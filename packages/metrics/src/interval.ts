/** A two-sided interval; JSON-serialisable. */
export interface Interval {
  lower: number;
  upper: number;
}

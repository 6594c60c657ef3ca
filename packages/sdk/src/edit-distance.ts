/**
 * Levenshtein distance with Myers' bit-vector algorithm (G. Myers, "A fast bit-vector algorithm
 * for approximate string matching based on dynamic programming", J. ACM 46(3), 1999), in the
 * blocked form for any length (Hyyrö, "A bit-vector algorithm for computing Levenshtein and
 * Damerau edit distances", 2003): the shorter string is cut into 32-bit blocks and each
 * character of the longer one advances every block, so the work is O(⌈m/32⌉·n) word operations
 * and the memory O(m). Written here rather than taken from a package so the browser bundle stays
 * small and nothing is allocated until it is called.
 *
 * @param a - One string (compared by UTF-16 code units).
 * @param b - The other.
 * @returns The least number of single-character insertions, deletions and substitutions that
 *   turn `a` into `b`.
 */
export function levenshtein(a: string, b: string): number {
  if (a.length < b.length) [a, b] = [b, a];
  const m = b.length;
  if (m === 0) return a.length;
  const blocks = (m + 31) >>> 5;
  // Per character of `b`: the bit mask of where it occurs, block by block.
  const peq = new Map<number, Int32Array>();
  for (let i = 0; i < m; i++) {
    const c = b.charCodeAt(i);
    let mask = peq.get(c);
    if (!mask) {
      mask = new Int32Array(blocks);
      peq.set(c, mask);
    }
    mask[i >>> 5]! |= 1 << (i & 31);
  }
  // Vertical deltas of the current column, +1 (pv) or -1 (mv) per row; the first column is 0..m.
  const pv = new Int32Array(blocks).fill(-1);
  const mv = new Int32Array(blocks);
  const lastRow = 1 << ((m - 1) & 31);
  let score = m;
  for (let j = 0; j < a.length; j++) {
    const eqs = peq.get(a.charCodeAt(j));
    // The horizontal delta entering each block from above: +1 at row 0 (its values are 0..n).
    let hin = 1;
    for (let k = 0; k < blocks; k++) {
      let eq = eqs ? eqs[k]! : 0;
      const p = pv[k]!;
      const xv = eq | mv[k]!;
      if (hin < 0) eq |= 1;
      const xh = (((eq & p) + p) ^ p) | eq;
      let ph = mv[k]! | ~(xh | p);
      let mh = p & xh;
      const top = k === blocks - 1 ? lastRow : 1 << 31;
      const hout = ph & top ? 1 : mh & top ? -1 : 0;
      ph <<= 1;
      mh <<= 1;
      if (hin < 0) mh |= 1;
      else if (hin > 0) ph |= 1;
      pv[k] = mh | ~(xv | ph);
      mv[k] = ph & xv;
      hin = hout;
    }
    score += hin;
  }
  return score;
}

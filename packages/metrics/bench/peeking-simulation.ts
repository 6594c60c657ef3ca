import { confidenceSequence, twoProportionZTest } from "../src/index.js";
import { binomial, seededRandom } from "./prng.js";

/** One simulated design: rates per arm, looks, units per arm added at each look. */
export interface PeekingDesign {
  experiments: number;
  looks: number;
  unitsPerLookPerArm: number;
  controlRate: number;
  variantRate: number;
  alpha: number;
  seed: number;
}

/** Share of experiments that declared a difference, by procedure. */
export interface PeekingOutcome {
  /** Sequential: confidence sequence excluded 0 at any look. */
  sequentialAnyLook: number;
  /** Naive: fixed-horizon z-test p < α at any look. */
  naiveAnyLook: number;
  /** One fixed-horizon z-test at the final look only. */
  fixedFinalLook: number;
}

/**
 * Simulates `experiments` two-arm tests of a rate, each looked at `looks` times, and counts how
 * often each procedure declares a difference. The sequential procedure is what
 * `analyzeExperiment({ sequential })` does for a rate: a confidence sequence on the absolute
 * difference with the unpooled standard error, n = both arms, tuning = the planned total.
 */
export function simulatePeeking(design: PeekingDesign): PeekingOutcome {
  const random = seededRandom(design.seed);
  const tuning = 2 * design.looks * design.unitsPerLookPerArm;
  let sequential = 0;
  let naive = 0;
  let fixed = 0;
  for (let e = 0; e < design.experiments; e++) {
    let xa = 0;
    let xb = 0;
    let n = 0;
    let sequentialHit = false;
    let naiveHit = false;
    let finalHit = false;
    for (let look = 1; look <= design.looks; look++) {
      xa += binomial(random, design.unitsPerLookPerArm, design.controlRate);
      xb += binomial(random, design.unitsPerLookPerArm, design.variantRate);
      n += design.unitsPerLookPerArm;
      const test = twoProportionZTest({ successes: xa, n }, { successes: xb, n });
      const significant = test.pValue < design.alpha;
      naiveHit ||= significant;
      if (look === design.looks) finalHit = significant;
      if (test.standardError > 0) {
        const cs = confidenceSequence({
          estimate: test.difference,
          standardError: test.standardError,
          n: 2 * n,
          alpha: design.alpha,
          tuning,
        });
        sequentialHit ||= cs.interval.lower > 0 || cs.interval.upper < 0;
      }
    }
    if (sequentialHit) sequential++;
    if (naiveHit) naive++;
    if (finalHit) fixed++;
  }
  const share = (k: number) => k / design.experiments;
  return {
    sequentialAnyLook: share(sequential),
    naiveAnyLook: share(naive),
    fixedFinalLook: share(fixed),
  };
}

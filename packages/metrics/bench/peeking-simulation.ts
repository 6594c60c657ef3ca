import { emptyVersionAggregate, type VersionAggregate } from "@loopkit/core";
import { analyzeExperiment } from "../src/index.js";
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
  /** `analyzeExperiment({ sequential })` decided ship_variant or stop at any look. */
  sequentialAnyLook: number;
  /** Fixed-horizon `analyzeExperiment` (no mde) called a winner or loser at any look. */
  naiveAnyLook: number;
  /** One fixed-horizon analysis at the final look only. */
  fixedFinalLook: number;
  /** Mean units per arm at the sequential procedure's first decision, among decided runs. */
  sequentialMeanStoppingN: number | null;
}

function arm(version: string, n: number, successes: number): VersionAggregate {
  return { ...emptyVersionAggregate(version), requests: n, outcomes: n, successes };
}

/**
 * Simulates `experiments` two-arm tests of the task success rate, each analysed with
 * `analyzeExperiment` at every one of `looks` looks, and counts how often each procedure declares
 * a difference (a decision other than keep_running on the primary metric). The sequential
 * tuning parameter is the planned total sample size.
 */
export function simulatePeeking(design: PeekingDesign): PeekingOutcome {
  const random = seededRandom(design.seed);
  const tuning = 2 * design.looks * design.unitsPerLookPerArm;
  const decided = (variants: VersionAggregate[], sequential: boolean) =>
    analyzeExperiment({
      variants,
      control: "control",
      primaryMetric: "taskSuccessRate",
      alpha: design.alpha,
      ...(sequential ? { sequential: { tuning } } : {}),
    }).variants[0]!.primary.verdict !== "inconclusive";
  let sequential = 0;
  let naive = 0;
  let fixed = 0;
  let stoppingNSum = 0;
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
      const variants = [arm("control", n, xa), arm("variant", n, xb)];
      const naiveNow = decided(variants, false);
      naiveHit ||= naiveNow;
      if (look === design.looks) finalHit = naiveNow;
      if (!sequentialHit && decided(variants, true)) {
        sequentialHit = true;
        stoppingNSum += n;
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
    sequentialMeanStoppingN: sequential > 0 ? stoppingNSum / sequential : null,
  };
}

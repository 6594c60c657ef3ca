import { describe, it } from "vitest";
import { expectClose } from "../test/expect-close.js";
import { chanceToBeatControl, chanceToBeatControlBeta } from "./bayesian.js";

// Expected values: numerical integration with scipy 1.10.1 integrate.quad over the normal and
// Beta(1 + x, 1 + n − x) posteriors (not the closed forms used here), printed by
// test/reference/more_tests.py.
const BAYESNORMAL = [
  {
    mean: 0.01,
    sd: 0.02,
    chance: 0.6914624612740131,
    lossVariant: 0.003955931148026125,
    lossControl: 0.01395593114802611,
  },
  {
    mean: -0.5,
    sd: 1.3,
    chance: 0.3502611970519244,
    lossVariant: 0.8065188254209352,
    lossControl: 0.3065188254209357,
  },
  {
    mean: 2.0,
    sd: 0.5,
    chance: 0.9999683287581669,
    lossVariant: 3.5726292161983586e-6,
    lossControl: 2.0000035726292165,
  },
];
const BAYESBETA = [
  {
    control: [10, 100],
    variant: [15, 100],
    chance: 0.8532837899339664,
    lossVariant: 0.0035780881307110476,
    lossControl: 0.05259769597384833,
  },
  {
    control: [120, 1000],
    variant: [150, 1000],
    chance: 0.9750678368121437,
    lossVariant: 0.00014417785511182778,
    lossControl: 0.030084297615590984,
  },
  {
    control: [3, 7],
    variant: [1, 9],
    chance: 0.08823529411764705,
    lossVariant: 0.2707258341933264,
    lossControl: 0.008099571567063825,
  },
  {
    control: [400, 2000],
    variant: [395, 2010],
    chance: 0.39108675595104264,
    lossVariant: 0.006953177304369123,
    lossControl: 0.00347256249174648,
  },
];

describe("chanceToBeatControl (normal)", () => {
  it.each(BAYESNORMAL)("N($mean, $sd²) matches scipy quad", (c) => {
    const result = chanceToBeatControl({ mean: c.mean, standardError: c.sd });
    expectClose(result.chanceToBeatControl, c.chance);
    expectClose(result.expectedLossVariant, c.lossVariant);
    expectClose(result.expectedLossControl, c.lossControl);
  });
});

describe("chanceToBeatControlBeta", () => {
  it.each(BAYESBETA)("$control vs $variant matches scipy quad", (c) => {
    const result = chanceToBeatControlBeta(
      { successes: c.control[0]!, n: c.control[1]! },
      { successes: c.variant[0]!, n: c.variant[1]! },
    );
    expectClose(result.chanceToBeatControl, c.chance);
    expectClose(result.expectedLossVariant, c.lossVariant);
    expectClose(result.expectedLossControl, c.lossControl);
  });
});

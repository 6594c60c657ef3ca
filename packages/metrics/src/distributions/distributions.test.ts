import { describe, expect, it } from "vitest";
import { expectClose } from "../../test/expect-close.js";
import { regularizedBeta } from "./beta.js";
import { chiSquareSf } from "./chi-square.js";
import { logGamma } from "./gamma.js";
import { normalCdf, normalQuantile } from "./normal.js";
import { studentTCdf, studentTQuantile } from "./student-t.js";

// Expected values: scipy 1.10.1 (Debian python3-scipy) — scipy.stats.norm.cdf / norm.ppf /
// t.cdf / t.ppf / chi2.sf — printed by test/reference/basic_tests.py.
const NORMAL = [
  { x: -8.0, cdf: 6.22096057427174e-16 },
  { x: -3.5, cdf: 0.00023262907903552502 },
  { x: -1.96, cdf: 0.024997895148220435 },
  { x: -0.3, cdf: 0.3820885778110474 },
  { x: 0.0, cdf: 0.5 },
  { x: 0.7, cdf: 0.758036347776927 },
  { x: 2.5, cdf: 0.9937903346742238 },
  { x: 6.0, cdf: 0.9999999990134123 },
];
const NORMALQUANTILE = [
  { p: 1e-10, q: -6.361340902404056 },
  { p: 0.001, q: -3.090232306167813 },
  { p: 0.025, q: -1.9599639845400545 },
  { p: 0.3, q: -0.5244005127080409 },
  { p: 0.5, q: 0.0 },
  { p: 0.8, q: 0.8416212335729143 },
  { p: 0.975, q: 1.959963984540054 },
  { p: 0.999999, q: 4.753424308817087 },
];
const STUDENTT = [
  { t: -2.5, df: 3, cdf: 0.04385332350403277 },
  { t: 1.2, df: 7.5, cdf: 0.866665538603389 },
  { t: 0.01, df: 2000, cdf: 0.5039888576430396 },
  { t: -40, df: 4.2, cdf: 6.947532329022903e-7 },
  { t: 3.3, df: 1, cdf: 0.9063422290681207 },
  { t: 0.5, df: 1000000.0, cdf: 0.6914624062638142 },
];
const STUDENTTQUANTILE = [
  { p: 0.975, df: 1, q: 12.706204736432095 },
  { p: 0.975, df: 2.7, q: 3.392148383176445 },
  { p: 0.025, df: 10, q: -2.2281388519649385 },
  { p: 0.995, df: 30.5, q: 2.746967063704571 },
  { p: 0.6, df: 100000, q: 0.2533477771571799 },
  { p: 1e-6, df: 5, q: -24.771029720535676 },
];
const CHISQUARESF = [
  { x: 0.5, df: 1, sf: 0.47950012218695337 },
  { x: 3.84, df: 1, sf: 0.05004352124870519 },
  { x: 10, df: 3, sf: 0.01856613546304325 },
  { x: 50, df: 4, sf: 3.610865404890647e-10 },
  { x: 100, df: 10, sf: 5.4497019829205215e-17 },
];

describe("normal distribution", () => {
  it.each(NORMAL)("Φ($x) matches scipy norm.cdf", ({ x, cdf }) => {
    expectClose(normalCdf(x), cdf);
  });
  it.each(NORMALQUANTILE)("Φ⁻¹($p) matches scipy norm.ppf", ({ p, q }) => {
    if (q === 0) expect(Math.abs(normalQuantile(p))).toBeLessThan(1e-12);
    else expectClose(normalQuantile(p), q);
  });
  it("round-trips the quantile through the CDF", () => {
    for (const p of [1e-12, 0.01, 0.2, 0.49, 0.51, 0.9, 1 - 1e-9]) {
      expectClose(normalCdf(normalQuantile(p)), p, 1e-9);
    }
  });
});

describe("Student t distribution", () => {
  it.each(STUDENTT)("F($t; df=$df) matches scipy t.cdf", ({ t, df, cdf }) => {
    expectClose(studentTCdf(t, df), cdf);
  });
  it.each(STUDENTTQUANTILE)("F⁻¹($p; df=$df) matches scipy t.ppf", ({ p, df, q }) => {
    expectClose(studentTQuantile(p, df), q);
  });
  it("tends to the normal as df grows", () => {
    expectClose(studentTCdf(1.5, Number.POSITIVE_INFINITY), normalCdf(1.5), 1e-12);
  });
});

describe("chi-square distribution", () => {
  it.each(CHISQUARESF)("sf($x; df=$df) matches scipy chi2.sf", ({ x, df, sf }) => {
    expectClose(chiSquareSf(x, df), sf);
  });
});

describe("special functions", () => {
  it("ln Γ matches known values", () => {
    // Γ(5) = 24, Γ(½) = √π (exact identities).
    expectClose(logGamma(5), Math.log(24), 1e-12);
    expectClose(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-12);
  });
  it("I_x(a, 1) = x^a and I_x(1, b) = 1 − (1 − x)^b (DLMF 8.17.2 special cases)", () => {
    expectClose(regularizedBeta(0.3, 2.5, 1), 0.3 ** 2.5, 1e-12);
    expectClose(regularizedBeta(0.3, 1, 4), 1 - 0.7 ** 4, 1e-12);
  });
});

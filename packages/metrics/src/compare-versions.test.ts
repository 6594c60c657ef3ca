import { describe, expect, it } from "vitest";
import { expectClose } from "../test/expect-close.js";
import { FIXTURE_VERSIONS, fixtureRecords } from "../test/fixture-records.js";
import { compareVersions } from "./compare-versions.js";
import type { MetricName } from "./metric-definitions.js";
import { aggregateRecords } from "./records.js";

// Expected values: test/reference/compare_versions.py, which expands
// test/reference/versions-fixture.json into raw per-request arrays and computes every figure on
// them with statsmodels 0.13.5 (proportion_confint wilson, proportions_ztest,
// confint_proportions_2indep wald, DescrStatsW.tconfint_mean, CompareMeans unequal-variance
// t-test, multipletests holm), numpy.percentile (linear) with order statistics at
// scipy.stats.binom ranks for its intervals, the delta method with statsmodels' complex-step
// gradient for cost per success, and GrowthBook's delta-method formula for the relative interval.
const VERSIONS = {
  v1: {
    taskSuccessRate: { value: 0.6, lower: 0.5436365963411878, upper: 0.653834809413903, n: 300 },
    thumbsUpRate: {
      value: 0.5833333333333334,
      lower: 0.49388032700164236,
      upper: 0.6676164785952404,
      n: 120,
    },
    copiedRate: { value: 0.25, lower: 0.2100790142364741, upper: 0.2946771329306741, n: 400 },
    regeneratedRate: { value: 0.1, lower: 0.07429925914003437, upper: 0.13331057632740284, n: 400 },
    editedRate: { value: 0.145, lower: 0.11387048965924287, upper: 0.18288323931810765, n: 400 },
    abandonedRate: {
      value: 0.0925,
      lower: 0.06785393449857381,
      upper: 0.12489858538387784,
      n: 400,
    },
    flagRate: { value: 0.02, lower: 0.010168386791664645, upper: 0.03896341576926, n: 400 },
    errorRate: { value: 0.03, lower: 0.017243020965143054, upper: 0.05169853570909567, n: 400 },
    meanRating: {
      value: 3.8666666666666667,
      lower: 3.700875478223644,
      upper: 4.03245785510969,
      n: 150,
    },
    meanCostMicros: {
      value: 1250.9736842105262,
      lower: 1236.3465025507185,
      upper: 1265.600865870334,
      n: 380,
    },
    latencyP50Ms: { value: 690.5, lower: 641, upper: 740 },
    latencyP95Ms: { value: 1148.1999999999998, lower: 1122, upper: 1168 },
    costPerSuccessMicros: {
      value: 2084.9561403508774,
      lower: 1890.352529595584,
      upper: 2279.5597511061706,
    },
  },
  v2: {
    taskSuccessRate: {
      value: 0.7142857142857143,
      lower: 0.6587508840848159,
      upper: 0.764020336506343,
      n: 280,
    },
    thumbsUpRate: { value: 0.62, lower: 0.5220975529551107, upper: 0.7090240074752127, n: 100 },
    copiedRate: {
      value: 0.2714285714285714,
      lower: 0.22750881251196392,
      upper: 0.32031127467267967,
      n: 350,
    },
    regeneratedRate: {
      value: 0.05714285714285714,
      lower: 0.03729236639934702,
      upper: 0.08660905252089991,
      n: 350,
    },
    editedRate: {
      value: 0.14285714285714285,
      lower: 0.11006847053627301,
      upper: 0.18340041568973253,
      n: 350,
    },
    abandonedRate: {
      value: 0.054285714285714284,
      lower: 0.035025393263026526,
      upper: 0.08322377674702844,
      n: 350,
    },
    flagRate: { value: 0.02, lower: 0.009721039474232905, upper: 0.040701143613518606, n: 350 },
    errorRate: {
      value: 0.08571428571428572,
      lower: 0.06069891492238554,
      upper: 0.11972499309978091,
      n: 350,
    },
    meanRating: { value: 4.125, lower: 3.984089745956038, upper: 4.265910254043962, n: 160 },
    meanCostMicros: {
      value: 1550.7857142857142,
      lower: 1535.6213228284805,
      upper: 1565.950105742948,
      n: 350,
    },
    latencyP50Ms: { value: 928.25, lower: 851.0, upper: 1005.5 },
    latencyP95Ms: { value: 1622.3000000000002, lower: 1577.0, upper: 1652.0 },
    costPerSuccessMicros: {
      value: 2171.1000000000004,
      lower: 2008.7989769240876,
      upper: 2333.401023075913,
    },
  },
  v3: {
    taskSuccessRate: null,
    thumbsUpRate: null,
    copiedRate: { value: 0.25, lower: 0.18109821656809566, upper: 0.33441136664125615, n: 120 },
    regeneratedRate: {
      value: 0.08333333333333333,
      lower: 0.045893650374929706,
      upper: 0.14662232164065653,
      n: 120,
    },
    editedRate: {
      value: 0.2916666666666667,
      lower: 0.2178156362103854,
      upper: 0.3784423497974078,
      n: 120,
    },
    abandonedRate: {
      value: 0.09166666666666666,
      lower: 0.05195718284856543,
      upper: 0.15670846972670907,
      n: 120,
    },
    flagRate: { value: 0.025, lower: 0.008538174769902228, upper: 0.0709300333278661, n: 120 },
    errorRate: {
      value: 0.016666666666666666,
      lower: 0.004582564565921141,
      upper: 0.0587359629721589,
      n: 120,
    },
    meanRating: { value: 4.0, lower: null, upper: null, n: 1 },
    meanCostMicros: null,
    latencyP50Ms: null,
    latencyP95Ms: null,
    costPerSuccessMicros: null,
  },
};
const COMPARISONS = [
  {
    version: "v2",
    metric: "taskSuccessRate",
    difference: 0.11428571428571432,
    lower: 0.03764979479500431,
    upper: 0.19092163377642435,
    pValue: 0.003808506119686984,
    relative: 0.19047619047619047,
    relativeLower: 0.049494586199972324,
    relativeUpper: 0.3314577947524086,
    adjustedPValue: 0.05331908567561777,
  },
  {
    version: "v2",
    metric: "thumbsUpRate",
    difference: 0.036666666666666625,
    lower: -0.09306848487916036,
    upper: 0.1664018182124936,
    pValue: 0.5804203667959209,
    relative: 0.06285714285714272,
    relativeLower: -0.1661145820160805,
    relativeUpper: 0.291828867730366,
    adjustedPValue: 1.0,
  },
  {
    version: "v2",
    metric: "copiedRate",
    difference: 0.021428571428571408,
    lower: -0.04158860126137513,
    upper: 0.08444574411851795,
    pValue: 0.5044795026151092,
    relative: 0.08571428571428563,
    relativeLower: -0.1763721801053641,
    relativeUpper: 0.34780075153393536,
    adjustedPValue: 1.0,
  },
  {
    version: "v2",
    metric: "regeneratedRate",
    difference: -0.042857142857142864,
    lower: -0.0810103406536357,
    upper: -0.004703945060650028,
    pValue: 0.03090224317703583,
    relative: -0.4285714285714286,
    relativeLower: -0.7241332486844062,
    relativeUpper: -0.133009608458451,
    adjustedPValue: 0.37082691812442997,
  },
  {
    version: "v2",
    metric: "editedRate",
    difference: -0.002142857142857141,
    lower: -0.05248729825666735,
    upper: 0.04820158397095307,
    pValue: 0.9335422789007944,
    relative: -0.014778325123152691,
    relativeLower: -0.359580549896702,
    relativeUpper: 0.33002389965039663,
    adjustedPValue: 1.0,
  },
  {
    version: "v2",
    metric: "abandonedRate",
    difference: -0.038214285714285715,
    lower: -0.07522293117322819,
    upper: -0.0012056402553432405,
    pValue: 0.046999106778005874,
    relative: -0.4131274131274132,
    relativeLower: -0.7266657120559965,
    relativeUpper: -0.09958911419882988,
    adjustedPValue: 0.5169901745580646,
  },
  {
    version: "v2",
    metric: "flagRate",
    difference: 0.0,
    lower: -0.020083654452635935,
    upper: 0.020083654452635935,
    pValue: 1.0,
    relative: 0.0,
    relativeLower: -1.0041827226317965,
    relativeUpper: 1.0041827226317965,
    adjustedPValue: 1.0,
  },
  {
    version: "v2",
    metric: "errorRate",
    difference: 0.055714285714285716,
    lower: 0.021956404883104554,
    upper: 0.08947216654546689,
    pValue: 0.0009306263354693763,
    relative: 1.8571428571428572,
    relativeLower: -0.011155401756669958,
    relativeUpper: 3.7254411160423846,
    adjustedPValue: 0.013959395032040644,
  },
  {
    version: "v2",
    metric: "meanRating",
    difference: 0.2583333333333333,
    lower: 0.04158729612882611,
    upper: 0.4750793705378405,
    pValue: 0.01965522080736396,
    relative: 0.0668103448275863,
    relativeLower: 0.008790066290908186,
    relativeUpper: 0.12483062336426441,
    adjustedPValue: 0.2555178704957315,
  },
  {
    version: "v2",
    metric: "meanCostMicros",
    difference: 299.812030075188,
    lower: 278.77788238635867,
    upper: 320.8461777640173,
    pValue: 2.3379234027051257e-117,
    relative: 0.23966293924431792,
    relativeLower: 0.22082971259844042,
    relativeUpper: 0.2584961658901954,
    adjustedPValue: 3.9744697845987135e-116,
  },
  {
    version: "v2",
    metric: "costPerSuccessMicros",
    difference: 86.14385964912299,
    lower: -167.25737833223667,
    upper: 339.54509763048264,
    pValue: 0.5052253739480764,
    relative: 0.04131686896522724,
    relativeLower: -0.083207133024548,
    relativeUpper: 0.1658408709550025,
    adjustedPValue: 1.0,
  },
  { version: "v3", metric: "taskSuccessRate", pValue: null },
  { version: "v3", metric: "thumbsUpRate", pValue: null },
  {
    version: "v3",
    metric: "copiedRate",
    difference: 0.0,
    lower: -0.08833438305402344,
    upper: 0.08833438305402344,
    pValue: 1.0,
    relative: 0.0,
    relativeLower: -0.35333753221609376,
    relativeUpper: 0.35333753221609376,
    adjustedPValue: 1.0,
  },
  {
    version: "v3",
    metric: "regeneratedRate",
    difference: -0.016666666666666677,
    lower: -0.07419667037371701,
    upper: 0.040863337040383654,
    pValue: 0.5870116116275524,
    relative: -0.16666666666666674,
    relativeLower: -0.7185363100255403,
    relativeUpper: 0.3852029766922068,
    adjustedPValue: 1.0,
  },
  {
    version: "v3",
    metric: "editedRate",
    difference: 0.1466666666666667,
    lower: 0.05832508628945861,
    upper: 0.2350082470438748,
    pValue: 0.00023595647330610533,
    relative: 1.0114942528735633,
    relativeLower: 0.2741445191320093,
    relativeUpper: 1.7488439866151173,
    adjustedPValue: 0.0037753035728976853,
  },
  {
    version: "v3",
    metric: "abandonedRate",
    difference: -0.0008333333333333387,
    lower: -0.05975381209365137,
    upper: 0.05808714542698469,
    pValue: 0.9779334665209233,
    relative: -0.009009009009009028,
    relativeLower: -0.6446591952448283,
    relativeUpper: 0.6266411772268102,
    adjustedPValue: 1.0,
  },
  {
    version: "v3",
    metric: "flagRate",
    difference: 0.005000000000000001,
    lower: -0.026121179366590627,
    upper: 0.03612117936659063,
    pValue: 0.7385010579337944,
    relative: 0.25,
    relativeLower: -1.388908183755948,
    relativeUpper: 1.888908183755948,
    adjustedPValue: 1.0,
  },
  {
    version: "v3",
    metric: "errorRate",
    difference: -0.013333333333333332,
    lower: -0.0416901633877573,
    upper: 0.015023496721090632,
    pValue: 0.4286832843283802,
    relative: -0.4444444444444444,
    relativeLower: -1.268323251389461,
    relativeUpper: 0.37943436250057216,
    adjustedPValue: 1.0,
  },
  { version: "v3", metric: "meanRating", pValue: null },
  { version: "v3", metric: "meanCostMicros", pValue: null },
  { version: "v3", metric: "costPerSuccessMicros", pValue: null },
];

// Sequential reading, GrowthBook gbstats' confidence-sequence formulas (same script):
const SEQUENTIAL = {
  taskSuccessRate: {
    lower: -0.031289035339511606,
    upper: 0.25986046391094025,
    pValue: 0.1788595561798779,
  },
  meanCostMicros: {
    lower: 261.78725858642684,
    upper: 337.8368015639491,
    pValue: 7.891957624373491e-92,
  },
};

const records = FIXTURE_VERSIONS.flatMap(fixtureRecords);

describe("compareVersions", () => {
  const result = compareVersions(records);

  it("picks the version with most requests as the baseline", () => {
    expect(result.baseline).toBe("v1");
    expect(result.versions.map((v) => [v.version, v.requests])).toEqual([
      ["v1", 400],
      ["v2", 350],
      ["v3", 120],
    ]);
  });

  it("estimates every metric of every version like statsmodels does on the raw data", () => {
    for (const version of result.versions) {
      const expected = VERSIONS[version.version as keyof typeof VERSIONS] as Record<
        string,
        { value: number; lower?: number | null; upper?: number | null; n?: number } | null
      >;
      for (const estimate of version.metrics) {
        const want = expected[estimate.metric];
        if (want === null || want === undefined) {
          expect(estimate, `${version.version} ${estimate.metric}`).toMatchObject({
            value: null,
            status: "missing",
          });
          continue;
        }
        expect(estimate.status).toBe("ok");
        expectClose(estimate.value, want.value);
        if (want.lower === undefined || want.lower === null) expect(estimate.interval).toBeNull();
        else {
          expectClose(estimate.interval?.lower, want.lower);
          expectClose(estimate.interval?.upper, want.upper!);
        }
        if (want.n !== undefined) expect(estimate.n).toBe(want.n);
      }
    }
  });

  it("tests each version against the baseline and Holm-adjusts across the family", () => {
    for (const want of COMPARISONS) {
      const got = result.comparisons.find(
        (c) => c.version === want.version && c.metric === (want.metric as MetricName),
      )!;
      if (want.pValue === null) {
        expect(got.pValue, `${want.version} ${want.metric}`).toBeNull();
        continue;
      }
      const w = want as unknown as Record<
        | "difference"
        | "lower"
        | "upper"
        | "pValue"
        | "adjustedPValue"
        | "relative"
        | "relativeLower"
        | "relativeUpper",
        number
      >;
      expectClose(got.difference, w.difference);
      expectClose(got.differenceInterval?.lower, w.lower);
      expectClose(got.differenceInterval?.upper, w.upper);
      expectClose(got.pValue, w.pValue);
      expectClose(got.adjustedPValue, w.adjustedPValue);
      expectClose(got.relativeDifference, w.relative);
      expectClose(got.relativeInterval?.lower, w.relativeLower);
      expectClose(got.relativeInterval?.upper, w.relativeUpper);
    }
  });

  it("reads verdicts with each metric's direction", () => {
    const verdict = (version: string, metric: MetricName) =>
      result.comparisons.find((c) => c.version === version && c.metric === metric)?.verdict;
    // v2 costs more (lower is better) and errors more. It succeeds more often (p = 0.0038), but
    // across the 21 tests (cost per success is tested too) Holm's adjusted p is 0.053: not sure.
    expect(verdict("v2", "meanCostMicros")).toBe("worse");
    expect(verdict("v2", "errorRate")).toBe("worse");
    expect(verdict("v2", "taskSuccessRate")).toBe("inconclusive");
    expect(verdict("v2", "costPerSuccessMicros")).toBe("inconclusive");
    expect(verdict("v2", "flagRate")).toBe("inconclusive");
    // v3 has no outcomes and no costs: missing, never a zero rate.
    expect(verdict("v3", "taskSuccessRate")).toBe("missing");
    expect(verdict("v3", "meanCostMicros")).toBe("missing");
    // One rating only: a mean but no variance, so no test.
    expect(verdict("v3", "meanRating")).toBe("inconclusive");
    expect(verdict("v2", "latencyP95Ms")).toBe("inconclusive");
  });

  it("gives the same answer from aggregates as from records, and survives JSON", () => {
    const fromAggregates = compareVersions(aggregateRecords(records));
    expect(fromAggregates).toEqual(result);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it("honours a chosen baseline, metric subset and confidence", () => {
    const chosen = compareVersions(records, {
      baseline: "v2",
      metrics: ["taskSuccessRate", "errorRate"],
      confidence: 0.9,
    });
    expect(chosen.baseline).toBe("v2");
    expect(chosen.comparisons).toHaveLength(4);
    expect(chosen.versions[0]!.metrics.map((m) => m.metric)).toEqual([
      "taskSuccessRate",
      "errorRate",
    ]);
  });

  it("says which baselines exist when the requested one has no data", () => {
    expect(() => compareVersions(records, { baseline: "v9" })).toThrow(
      expect.objectContaining({ code: "NOT_FOUND", message: expect.stringContaining('"v2"') }),
    );
  });

  it("reads differences through confidence sequences when sequential", () => {
    const sequential = compareVersions(records, { sequential: { tuning: 5000 } });
    expect(sequential.sequential).toBe(true);
    for (const metric of ["taskSuccessRate", "meanCostMicros"] as const) {
      const got = sequential.comparisons.find((c) => c.version === "v2" && c.metric === metric)!;
      const want = SEQUENTIAL[metric];
      expect(got.test).toMatch(/_sequential$/);
      expectClose(got.differenceInterval?.lower, want.lower);
      expectClose(got.differenceInterval?.upper, want.upper);
      expectClose(got.pValue, want.pValue);
    }
    // The success-rate win of the fixed-horizon reading is not yet sure when read at any time.
    const success = sequential.comparisons.find(
      (c) => c.version === "v2" && c.metric === "taskSuccessRate",
    );
    expect(success?.verdict).toBe("inconclusive");
  });

  it("returns an empty comparison without data", () => {
    expect(compareVersions([])).toMatchObject({ baseline: null, versions: [], comparisons: [] });
  });
});

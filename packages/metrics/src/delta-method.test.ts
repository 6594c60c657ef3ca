import { describe, expect, it } from "vitest";
import { expectClose } from "../test/expect-close.js";
import { compareVersions } from "./compare-versions.js";
import { analyzeExperiment } from "./experiment.js";
import { aggregateRecords, type RequestRecord } from "./records.js";
import { confidenceSequence } from "./sequential.js";

// Expected values: test/reference/user_clusters.py — statsmodels 0.13.5 OLS on a constant with
// cluster-robust (by user) standard errors for the rates and means, and the delta method with
// statsmodels' complex-step gradient on per-user totals for cost per success; normal intervals
// and two-sided z-tests from scipy 1.10.
const REFERENCE = {
  A: {
    taskSuccessRate: {
      value: 0.6666666666666667,
      lower: 0.6188179162577292,
      upper: 0.7145154170756043,
    },
    meanCostMicros: {
      value: 342.7777777777778,
      lower: 323.78765208724485,
      upper: 361.7679034683108,
    },
    costPerSuccessMicros: {
      value: 514.1666666666667,
      lower: 474.25327861363695,
      upper: 554.0800547196966,
    },
  },
  B: {
    taskSuccessRate: {
      value: 0.7333333333333334,
      lower: 0.6897785781213321,
      upper: 0.7768880885453346,
    },
    meanCostMicros: {
      value: 337.22222222222223,
      lower: 317.8822424034292,
      upper: 356.56220204101527,
    },
    costPerSuccessMicros: {
      value: 459.8484848484848,
      lower: 424.27153783173634,
      upper: 495.4254318652333,
    },
  },
  BvsA: {
    taskSuccessRate: {
      difference: 0.06666666666666665,
      lower: 0.001963346680176392,
      upper: 0.1313699866531569,
      pValue: 0.04344183963042425,
    },
    meanCostMicros: {
      difference: -5.5555555555556,
      lower: -32.66016204842988,
      upper: 21.54905093731868,
      pValue: 0.6878839590625545,
    },
    costPerSuccessMicros: {
      difference: -54.31818181818193,
      lower: -107.78590764324642,
      upper: -0.8504559931174356,
      pValue: 0.04646559567038402,
    },
  },
};

/** The data user_clusters.py describes: 30 users per version, 1–5 requests each. */
function userRecords(version: "A" | "B", k: number, withUsers = true): RequestRecord[] {
  const records: RequestRecord[] = [];
  for (let u = 0; u < 30; u++) {
    for (let j = 0; j < 1 + ((7 * u + 3 * k) % 5); j++) {
      records.push({
        version,
        status: "ok",
        userHash: withUsers ? `${version}-user-${u}` : null,
        costMicros: 100 + 10 * ((13 * u + 29 * j + k) % 50),
        feedback: [{ name: "task_succeeded", value: (31 * u + 17 * j + 5 * k) % 10 < 6 + k }],
      });
    }
  }
  return records;
}

const METRICS = ["taskSuccessRate", "meanCostMicros", "costPerSuccessMicros"] as const;

describe("per-user intervals and tests (delta method)", () => {
  const records = [...userRecords("A", 0), ...userRecords("B", 1)];
  const result = compareVersions(records, { baseline: "A", metrics: [...METRICS] });

  it("estimates rates and means over users as cluster-robust standard errors do", () => {
    expect(result.unit).toBe("user");
    for (const summary of result.versions) {
      expect(summary).toMatchObject({ unit: "user", units: 30, requests: 90 });
      for (const estimate of summary.metrics) {
        const want =
          REFERENCE[summary.version as "A" | "B"][estimate.metric as (typeof METRICS)[number]];
        expect(estimate.intervalMethod).toBe("delta_method");
        expectClose(estimate.value, want.value);
        expectClose(estimate.interval?.lower, want.lower);
        expectClose(estimate.interval?.upper, want.upper);
      }
    }
  });

  it("tests B against A with a z-test on the per-user variances", () => {
    for (const metric of METRICS) {
      const got = result.comparisons.find((c) => c.metric === metric)!;
      const want = REFERENCE.BvsA[metric];
      expect(got).toMatchObject({ test: "delta_method_z", unit: "user" });
      expectClose(got.difference, want.difference);
      expectClose(got.differenceInterval?.lower, want.lower);
      expectClose(got.differenceInterval?.upper, want.upper);
      expectClose(got.pValue, want.pValue);
    }
  });

  it("is wider than the per-request reading when a user's requests agree, and says so", () => {
    // 20 users × 5 requests; even users always succeed, odd users never: per request p = 0.5 from
    // 100 requests, but only 20 independent users. Over users SE = √(Σ(Sᵢ − 0.5·5)²/19 · 20)/100
    // = √(20·6.25/19·20)/100 = 0.1147, so the interval is 2·1.96·0.1147 = 0.450 wide; the
    // per-request Wilson interval is 0.19 wide.
    const records = (withUsers: boolean) =>
      Array.from(
        { length: 100 },
        (_, i): RequestRecord => ({
          version: "v1",
          status: "ok",
          userHash: withUsers ? `user-${i % 20}` : null,
          feedback: [{ name: "task_succeeded", value: (i % 20) % 2 === 0 }],
        }),
      );
    const perUser = compareVersions(records(true), { metrics: ["taskSuccessRate"] });
    const perRequest = compareVersions(records(false), { metrics: ["taskSuccessRate"] });
    expect(perUser.unit).toBe("user");
    expect(perRequest.unit).toBe("request");
    const [user] = perUser.versions[0]!.metrics;
    const [request] = perRequest.versions[0]!.metrics;
    expect(user!.intervalMethod).toBe("delta_method");
    expect(request!.intervalMethod).toBe("wilson");
    const half = (1.959963984540054 * Math.sqrt(((20 * 6.25) / 19) * 20)) / 100;
    expectClose(user!.interval?.lower, 0.5 - half);
    expectClose(user!.interval?.upper, 0.5 + half);
    expect(request!.interval!.upper - request!.interval!.lower).toBeLessThan(0.2);
  });

  it("analyses an experiment over users, the sequence counting users", () => {
    const variants = aggregateRecords(records);
    const fixed = analyzeExperiment({ variants, control: "A", primaryMetric: "task_succeeded" });
    expect(fixed.unit).toBe("user");
    expectClose(fixed.variants[0]!.primary.pValue, REFERENCE.BvsA.taskSuccessRate.pValue);
    const sequential = analyzeExperiment({
      variants,
      control: "A",
      primaryMetric: "task_succeeded",
      sequential: { tuning: 1000 },
    });
    const want = REFERENCE.BvsA.taskSuccessRate;
    const se = (want.upper - want.lower) / (2 * 1.959963984540054);
    const expected = confidenceSequence({
      estimate: want.difference,
      standardError: se,
      n: 60,
      alpha: 0.05,
      tuning: 1000,
    });
    expectClose(sequential.variants[0]!.primary.sequential?.pValue, expected.pValue);
  });
});

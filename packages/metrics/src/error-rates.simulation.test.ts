import type { VersionAggregate } from "@loopkit/core";
import { describe, expect, it } from "vitest";
import {
  aggregateRecords,
  analyzeExperiment,
  compareVersions,
  confidenceSequence,
  type MetricName,
  type RequestRecord,
  SRM_THRESHOLD,
  sampleSizeForMeans,
  sampleSizeForProportions,
  srmTest,
  twoProportionZTest,
  welchTTest,
} from "./index.js";

// Monte Carlo checks that the analyses make the errors they promise: A/A false-positive rates,
// always-valid sequential tests under peeking, power from the sample-size functions, the sample
// ratio mismatch alarm, and interval coverage.
//
// Every simulation is deterministic (xoshiro128** below, fixed seeds). A simulated rate is a
// Binomial(N, r)/N count when the true rate is r, so the tolerance is the central 99% binomial
// interval of that count around the nominal rate, computed exactly from the binomial pmf
// (`binomialInterval`), never a hand-picked margin. One-sided claims ("≤ α") use its upper end.

// ---------------------------------------------------------------------------------------------
// Seeded PRNG: xoshiro128** (D. Blackman & S. Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 2021; https://prng.di.unimi.it/xoshiro128starstar.c), its state filled by
// splitmix32 from one seed, as the authors recommend.

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

class Rng {
  private s: Uint32Array;
  private spare: number | null = null;

  constructor(seed: number) {
    let z = seed >>> 0;
    const splitmix32 = () => {
      z = (z + 0x9e3779b9) >>> 0;
      let t = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
      return (t ^ (t >>> 16)) >>> 0;
    };
    this.s = Uint32Array.of(splitmix32(), splitmix32(), splitmix32(), splitmix32());
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform on the open interval (0, 1). */
  uniform(): number {
    return (this.uint32() + 0.5) / 4294967296;
  }

  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Standard normal by the Marsaglia polar method. */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * factor;
    return u * factor;
  }

  /** Binomial(n, 1/2) exactly: the number of set bits among n fair random bits. */
  binomialHalf(n: number): number {
    let count = 0;
    for (let left = n; left > 0; left -= 32) {
      const word = left >= 32 ? this.uint32() : this.uint32() >>> (32 - left);
      count += popcount(word);
    }
    return count;
  }

  /** Uniform integer in [lo, hi]. */
  integer(lo: number, hi: number): number {
    return lo + Math.floor(this.uniform() * (hi - lo + 1));
  }
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

// ---------------------------------------------------------------------------------------------
// Tolerances.

/**
 * The central `level` interval of a Binomial(n, p) count, as rates: the smallest k with
 * P(X ≤ k) ≥ (1 − level)/2 and the smallest k with P(X ≤ k) ≥ 1 − (1 − level)/2, from the pmf
 * by its recurrence ln f(k+1) = ln f(k) + ln((n − k)/(k + 1)) + ln(p/(1 − p)), f(0) = (1 − p)ⁿ.
 */
function binomialInterval(n: number, p: number, level = 0.99): { lower: number; upper: number } {
  const tail = (1 - level) / 2;
  let logPmf = n * Math.log1p(-p);
  const logOdds = Math.log(p / (1 - p));
  let cdf = 0;
  let lower = -1;
  for (let k = 0; k <= n; k++) {
    cdf += Math.exp(logPmf);
    if (lower < 0 && cdf >= tail) lower = k;
    if (cdf >= 1 - tail) return { lower: lower / n, upper: k / n };
    logPmf += Math.log((n - k) / (k + 1)) + logOdds;
  }
  return { lower: lower / n, upper: 1 };
}

/** The share of `trials` for which `event` holds. */
function rate(trials: number, event: (i: number) => boolean): number {
  let hits = 0;
  for (let i = 0; i < trials; i++) if (event(i)) hits += 1;
  return hits / trials;
}

/** Memoises a simulation shared by several `it`s, run at the first that needs it. */
function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= compute();
    return value;
  };
}

const ALPHA = 0.05;

// ---------------------------------------------------------------------------------------------
// Request-level A/A: three arms from one distribution, each request with a task outcome
// (Bernoulli 0.3) and a log-normal cost (exp(N(ln 2000, 1)) micro-dollars, skewness ≈ 6). A
// fourth arm "d" differs truly (rate 0.36, cost × 1.2) and is used only for interval coverage.

const REQUEST_EXPERIMENTS = 1500;
const REQUESTS_PER_ARM = 100;
const BASE_RATE = 0.3;
const SHIFTED_RATE = 0.36;
const COST_MU = Math.log(2000);
const COST_SIGMA = 1;
const COST_SCALE = 1.2;
/** E[exp(N(μ, σ²))] = exp(μ + σ²/2), the log-normal mean. */
const MEAN_COST = Math.exp(COST_MU + (COST_SIGMA * COST_SIGMA) / 2);

function requestLevelExperiment(rng: Rng): Map<string, VersionAggregate> {
  const records: RequestRecord[] = [];
  for (const arm of ["a", "b", "c", "d"]) {
    const shifted = arm === "d";
    for (let i = 0; i < REQUESTS_PER_ARM; i++) {
      const cost = Math.exp(COST_MU + COST_SIGMA * rng.normal()) * (shifted ? COST_SCALE : 1);
      const success = rng.bernoulli(shifted ? SHIFTED_RATE : BASE_RATE);
      records.push({
        version: arm,
        status: "ok",
        costMicros: cost,
        feedback: [{ name: "task_succeeded", value: success }],
      });
    }
  }
  return new Map(aggregateRecords(records).map((a) => [a.version, a]));
}

const requestLevel = once(() => {
  const rng = new Rng(20240601);
  return Array.from({ length: REQUEST_EXPERIMENTS }, () => requestLevelExperiment(rng));
});

function pick(arms: Map<string, VersionAggregate>, ...names: string[]): VersionAggregate[] {
  return names.map((name) => arms.get(name)!);
}

/** Whether compareVersions of b against baseline a flags `metric` (verdict not inconclusive). */
function flags(arms: VersionAggregate[], metric: MetricName): boolean {
  const comparison = compareVersions(arms, { baseline: "a", metrics: [metric] });
  const verdicts = comparison.comparisons.map((c) => c.verdict);
  return verdicts.some((v) => v === "better" || v === "worse");
}

describe("A/A false-positive rate over requests (compareVersions, one metric)", () => {
  const band = binomialInterval(REQUEST_EXPERIMENTS, ALPHA);

  // Measured: 0.0527 (binary) and 0.0487 (cost) at N = 1500; band [0.0360, 0.0653].
  it("binary task success: the two-proportion z-test flags ≈ α", () => {
    const observed = rate(REQUEST_EXPERIMENTS, (i) =>
      flags(pick(requestLevel()[i]!, "a", "b"), "taskSuccessRate"),
    );
    expect(observed).toBeGreaterThanOrEqual(band.lower);
    expect(observed).toBeLessThanOrEqual(band.upper);
  });

  it("log-normal cost: Welch's t-test flags ≈ α", () => {
    const observed = rate(REQUEST_EXPERIMENTS, (i) =>
      flags(pick(requestLevel()[i]!, "a", "b"), "meanCostMicros"),
    );
    expect(observed).toBeGreaterThanOrEqual(band.lower);
    expect(observed).toBeLessThanOrEqual(band.upper);
  });
});

describe("multiple comparisons under the global null (Holm across metrics × arms)", () => {
  const upper = binomialInterval(REQUEST_EXPERIMENTS, ALPHA).upper;

  // Two variants × two metrics = 4 tests per experiment. Holm (1979) bounds the family-wise error
  // by α for any dependence; without it, four tests at α each would flag far more often (for
  // independent tests 1 − 0.95⁴ ≈ 0.185; the shared control makes them slightly dependent).
  // Measured: Holm 0.045 (uncorrected 0.170), analyzeExperiment 0.048, at N = 1500; bound 0.065.
  it("compareVersions: Holm keeps the family-wise error ≤ α; raw p-values would not", () => {
    const comparisons = requestLevel().map(
      (arms) =>
        compareVersions(pick(arms, "a", "b", "c"), {
          baseline: "a",
          metrics: ["taskSuccessRate", "meanCostMicros"],
        }).comparisons,
    );
    expect(comparisons[0]).toHaveLength(4);
    const familyWise = rate(REQUEST_EXPERIMENTS, (i) =>
      comparisons[i]!.some((c) => c.verdict !== "inconclusive"),
    );
    const uncorrected = rate(REQUEST_EXPERIMENTS, (i) =>
      comparisons[i]!.some((c) => c.pValue! < ALPHA),
    );
    expect(familyWise).toBeLessThanOrEqual(upper);
    expect(uncorrected).toBeGreaterThan(upper);
  });

  it("analyzeExperiment with two variants: P(any variant significant) ≤ α", () => {
    const familyWise = rate(REQUEST_EXPERIMENTS, (i) => {
      const analysis = analyzeExperiment({
        variants: pick(requestLevel()[i]!, "a", "b", "c"),
        control: "a",
        primaryMetric: "task_succeeded",
      });
      return analysis.variants.some((v) => v.primary.verdict !== "inconclusive");
    });
    expect(familyWise).toBeLessThanOrEqual(upper);
  });
});

// ---------------------------------------------------------------------------------------------
// User-clustered A/A: each user sends 1–8 requests (uniform) and is either "hard" (success 0.05)
// or "easy" (0.55), with probability 1/2 each — a per-user random effect with mean 0.30 and
// intra-user correlation Var(p_u)/(p̄(1 − p̄)) = 0.0625/0.21 ≈ 0.30. Its request-level design
// effect 1 + (E[m²]/E[m] − 1)·ICC ≈ 1 + (25.5/4.5 − 1)·0.30 ≈ 2.4 (Kish 1965) makes a naive
// request-level z-test reject at ≈ 2Φ(−1.96/√2.4) ≈ 0.2. Arm "c" has easy/hard rates 0.60/0.10
// (mean 0.35); with m_u independent of p_u the ratio ΣS/ΣN estimates E[p_u], so the true
// difference c − a is exactly 0.05, for interval coverage.

const CLUSTERED_EXPERIMENTS = 1000;
const USERS_PER_ARM = 60;
const CLUSTER_RATES = { a: [0.05, 0.55], b: [0.05, 0.55], c: [0.1, 0.6] } as const;
const CLUSTERED_TRUE_DIFFERENCE = 0.05;

function clusteredExperiment(rng: Rng): Map<string, VersionAggregate> {
  const records: RequestRecord[] = [];
  for (const [arm, rates] of Object.entries(CLUSTER_RATES)) {
    for (let u = 0; u < USERS_PER_ARM; u++) {
      const p = rates[rng.integer(0, 1)]!;
      const requests = rng.integer(1, 8);
      for (let r = 0; r < requests; r++) {
        records.push({
          version: arm,
          status: "ok",
          userHash: `${arm}-${u}`,
          feedback: [{ name: "task_succeeded", value: rng.bernoulli(p) }],
        });
      }
    }
  }
  return new Map(aggregateRecords(records).map((a) => [a.version, a]));
}

const clustered = once(() => {
  const rng = new Rng(7031);
  return Array.from({ length: CLUSTERED_EXPERIMENTS }, () => clusteredExperiment(rng));
});

describe("A/A false-positive rate with several requests per user", () => {
  const band = binomialInterval(CLUSTERED_EXPERIMENTS, ALPHA);

  // Measured: naive 0.199, delta method 0.050 at N = 1000; band [0.033, 0.069].
  it("a naive request-level z-test exceeds α; the delta method over users does not", () => {
    const naive = rate(CLUSTERED_EXPERIMENTS, (i) => {
      const [a, b] = pick(clustered()[i]!, "a", "b");
      const test = twoProportionZTest(
        { successes: a!.successes, n: a!.outcomes },
        { successes: b!.successes, n: b!.outcomes },
      );
      return test.pValue < ALPHA;
    });
    const deltaMethod = rate(CLUSTERED_EXPERIMENTS, (i) => {
      const comparison = compareVersions(pick(clustered()[i]!, "a", "b"), {
        baseline: "a",
        metrics: ["taskSuccessRate"],
      }).comparisons[0]!;
      expect(comparison.test).toBe("delta_method_z");
      return comparison.verdict !== "inconclusive";
    });
    expect(naive).toBeGreaterThan(band.upper);
    expect(deltaMethod).toBeGreaterThanOrEqual(band.lower);
    expect(deltaMethod).toBeLessThanOrEqual(band.upper);
  });
});

// ---------------------------------------------------------------------------------------------
// Peeking. 50 looks, after every batch of 50 users per arm, up to 5000 users in all (the
// confidence sequence's default tuning, where it is tightest). Each look computes what the
// analyses compute for a rate over requests: the unpooled difference and its standard error
// (twoProportionZTest), then the always-valid p-value with n = both arms' units
// (confidenceSequence), and — for contrast — the fixed-horizon pooled z-test p-value.
// Reference for the contrast: Armitage, McPherson & Rowe (1969), "Repeated significance tests on
// accumulating data", JRSS A 132:235–244 — 50 looks at nominal 0.05 reject ≈ 0.3 under H₀.

const PEEK_EXPERIMENTS = 1000;
const LOOKS = 50;
const BATCH_PER_ARM = 50;

/**
 * P(ever reject) under H₀ over `experiments` A/A runs of `looks` looks, `batch` users per arm per
 * look: by the confidence sequence and, for contrast, by the fixed-horizon test.
 */
function peekingRates(seed: number, experiments: number, looks: number, batch: number) {
  const rng = new Rng(seed);
  let sequentialRejections = 0;
  let fixedRejections = 0;
  for (let e = 0; e < experiments; e++) {
    let successesA = 0;
    let successesB = 0;
    let sequentialRejected = false;
    let fixedRejected = false;
    for (let look = 1; look <= looks; look++) {
      for (let i = 0; i < batch; i++) {
        if (rng.bernoulli(BASE_RATE)) successesA += 1;
        if (rng.bernoulli(BASE_RATE)) successesB += 1;
      }
      const n = look * batch;
      const test = twoProportionZTest({ successes: successesA, n }, { successes: successesB, n });
      const sequence = confidenceSequence({
        estimate: test.difference,
        standardError: test.standardError,
        n: 2 * n,
        alpha: ALPHA,
      });
      sequentialRejected ||= sequence.pValue < ALPHA;
      fixedRejected ||= test.pValue < ALPHA;
    }
    if (sequentialRejected) sequentialRejections += 1;
    if (fixedRejected) fixedRejections += 1;
  }
  return { sequential: sequentialRejections / experiments, fixed: fixedRejections / experiments };
}

const peeking = once(() => peekingRates(99, PEEK_EXPERIMENTS, LOOKS, BATCH_PER_ARM));

/** Continuous monitoring: a look after every user of each arm, from the very first. */
const CONTINUOUS_EXPERIMENTS = 300;
const continuous = once(() => peekingRates(100, CONTINUOUS_EXPERIMENTS, 1000, 1));

describe("peeking after every batch under H₀", () => {
  const upper = binomialInterval(PEEK_EXPERIMENTS, ALPHA).upper;

  // Measured: sequential 0.013, fixed-horizon 0.307 at N = 1000; upper bound 0.069.
  it("the confidence sequence's P(ever reject) stays ≤ α", () => {
    expect(peeking().sequential).toBeLessThanOrEqual(upper);
  });

  it("a fixed-horizon test read at every look exceeds α", () => {
    expect(peeking().fixed).toBeGreaterThan(upper);
  });

  // Regression: one request per arm, 0/1 against 1/1, has an unpooled standard error of 0, and
  // the sequence read that as certainty (p = 0), so ≈ 2·0.3·0.7 = 0.42 of A/A tests rejected at
  // their first look (measured 0.41 before the fix). After it: 0.010, fixed-horizon 0.49, at N = 300; bound 0.083.
  it("continuous monitoring from the first user: P(ever reject) stays ≤ α", () => {
    const bound = binomialInterval(CONTINUOUS_EXPERIMENTS, ALPHA).upper;
    expect(continuous().sequential).toBeLessThanOrEqual(bound);
    expect(continuous().fixed).toBeGreaterThan(bound);
  });

  it("analyzeExperiment, sequential, keeps running after one request per arm that differ", () => {
    const variants = aggregateRecords(
      [false, true].map((success, i) => ({
        version: i === 0 ? "control" : "variant",
        status: "ok" as const,
        feedback: [{ name: "task_succeeded", value: success }],
      })),
    );
    const analysis = analyzeExperiment({
      variants,
      control: "control",
      primaryMetric: "task_succeeded",
      sequential: {},
    });
    expect(analysis.variants[0]!.primary.verdict).toBe("inconclusive");
    expect(analysis.decision).toBe("keep_running");
  });
});

// ---------------------------------------------------------------------------------------------
// Power. Both sample-size functions solve the normal-approximation power equation; at
// n = perVariant ≥ exact the predicted power is at least the requested 0.8 and, since
// perVariant − exact < 1, above it by less than φ(z₀.₈)·z'(n) ≈ 0.28·0.84/(2n) < 10⁻³ — far
// inside the binomial band. The remaining approximation (the normal for the binomial and for
// Student's t at ≥ 250 per arm, the far rejection tail ignored) is of order 10⁻³ as well.

const POWER_EXPERIMENTS = 1000;
const POWER = 0.8;

describe("power matches the sample-size functions", () => {
  const band = binomialInterval(POWER_EXPERIMENTS, POWER);

  // Measured: 0.804 (proportions, n = 1377) and 0.817 (means, n = 252); band [0.767, 0.832].
  it("two proportions: 0.30 → 0.35 at sampleSizeForProportions' n", () => {
    const mde = 0.05;
    const { perVariant } = sampleSizeForProportions({ baseRate: BASE_RATE, mde, power: POWER });
    const rng = new Rng(4242);
    const power = rate(POWER_EXPERIMENTS, () => {
      let a = 0;
      let b = 0;
      for (let i = 0; i < perVariant; i++) {
        if (rng.bernoulli(BASE_RATE)) a += 1;
        if (rng.bernoulli(BASE_RATE + mde)) b += 1;
      }
      const test = twoProportionZTest(
        { successes: a, n: perVariant },
        { successes: b, n: perVariant },
      );
      return test.pValue < ALPHA;
    });
    expect(power).toBeGreaterThanOrEqual(band.lower);
    expect(power).toBeLessThanOrEqual(band.upper);
  });

  it("two means (normal, sd 1, shift 0.25) at sampleSizeForMeans' n, by Welch's test", () => {
    const mde = 0.25;
    const { perVariant } = sampleSizeForMeans({ sd: 1, mde, power: POWER });
    const rng = new Rng(777);
    const summary = (shift: number) => {
      let sum = 0;
      let sumSquares = 0;
      for (let i = 0; i < perVariant; i++) {
        const x = shift + rng.normal();
        sum += x;
        sumSquares += x * x;
      }
      const mean = sum / perVariant;
      return { mean, sd: Math.sqrt((sumSquares - sum * mean) / (perVariant - 1)), n: perVariant };
    };
    const power = rate(POWER_EXPERIMENTS, () => {
      const control = summary(0);
      return welchTTest(control, summary(mde)).pValue < ALPHA;
    });
    expect(power).toBeGreaterThanOrEqual(band.lower);
    expect(power).toBeLessThanOrEqual(band.upper);
  });
});

// ---------------------------------------------------------------------------------------------
// Sample ratio mismatch. Under the configured split the χ² p-value is (asymptotically) uniform,
// so the alarm rate should be SRM_THRESHOLD; the counts are exact multinomial draws.

const SRM_EXPERIMENTS = 20000;
const SRM_USERS = 1000;

describe("sample ratio mismatch alarm", () => {
  const band = binomialInterval(SRM_EXPERIMENTS, SRM_THRESHOLD);

  // Measured: 0.00095 (two arms) and 0.00100 (three arms) at N = 20000; band [0.0005, 0.0016].
  it("fires at ≈ SRM_THRESHOLD under a correct 50/50 split", () => {
    const rng = new Rng(1);
    const alarms = rate(SRM_EXPERIMENTS, () => {
      const a = rng.binomialHalf(SRM_USERS);
      return srmTest([a, SRM_USERS - a], [0.5, 0.5]).mismatch;
    });
    expect(alarms).toBeGreaterThanOrEqual(band.lower);
    expect(alarms).toBeLessThanOrEqual(band.upper);
  });

  it("fires at ≈ SRM_THRESHOLD under a correct 50/25/25 split (df = 2)", () => {
    const rng = new Rng(2);
    const alarms = rate(SRM_EXPERIMENTS, () => {
      const counts = [0, 0, 0];
      // Two fair bits per user: 00 or 01 → arm 0 (1/2), 10 → arm 1, 11 → arm 2 (1/4 each).
      for (let left = SRM_USERS; left > 0; left -= 16) {
        let word = rng.uint32();
        for (let j = 0; j < Math.min(16, left); j++, word >>>= 2) {
          const pair = word & 3;
          counts[pair < 2 ? 0 : pair - 1]! += 1;
        }
      }
      return srmTest(counts, [0.5, 0.25, 0.25]).mismatch;
    });
    expect(alarms).toBeGreaterThanOrEqual(band.lower);
    expect(alarms).toBeLessThanOrEqual(band.upper);
  });

  // A 50.5/49.5 split of 10⁶ users against configured 50/50: the χ² non-centrality is
  // λ = n·Σ(πᵢ − wᵢ)²/wᵢ = 10⁶·2·0.005²/0.5 = 100, so the power at the 0.001 critical value 10.83 is
  // ≈ Φ(√100 − √10.83) = Φ(6.7) > 1 − 10⁻¹⁰. Counts drawn from the normal approximation of
  // Binomial(10⁶, 0.505) (Berry–Esseen error < 0.4748·(p² + q²)/√(npq) ≈ 5·10⁻⁴).
  it("fires every time under a 1% imbalance at 10⁶ users", () => {
    const rng = new Rng(3);
    const n = 1_000_000;
    const p = 0.505;
    const alarms = rate(200, () => {
      const a = Math.round(n * p + Math.sqrt(n * p * (1 - p)) * rng.normal());
      return srmTest([a, n - a], [0.5, 0.5]).mismatch;
    });
    expect(alarms).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Interval coverage: how often the reported interval of the difference contains the true one.

describe("coverage of the reported interval of the difference", () => {
  // Measured: binary 0.947, cost 0.955, clustered 0.944; bands [0.935, 0.964] at N = 1500 and
  // [0.931, 0.967] at N = 1000.
  const requestBand = binomialInterval(REQUEST_EXPERIMENTS, 1 - ALPHA);
  const covers = (interval: { lower: number; upper: number } | null, truth: number) =>
    interval !== null && interval.lower <= truth && truth <= interval.upper;

  function differenceInterval(arms: VersionAggregate[], metric: MetricName) {
    return compareVersions(arms, { baseline: "a", metrics: [metric] }).comparisons[0]!
      .differenceInterval;
  }

  it("binary rate over requests (Wald interval of 0.36 − 0.30)", () => {
    const coverage = rate(REQUEST_EXPERIMENTS, (i) =>
      covers(
        differenceInterval(pick(requestLevel()[i]!, "a", "d"), "taskSuccessRate"),
        SHIFTED_RATE - BASE_RATE,
      ),
    );
    expect(coverage).toBeGreaterThanOrEqual(requestBand.lower);
    expect(coverage).toBeLessThanOrEqual(requestBand.upper);
  });

  it("log-normal cost over requests (Welch interval of the mean difference)", () => {
    const coverage = rate(REQUEST_EXPERIMENTS, (i) =>
      covers(
        differenceInterval(pick(requestLevel()[i]!, "a", "d"), "meanCostMicros"),
        MEAN_COST * (COST_SCALE - 1),
      ),
    );
    expect(coverage).toBeGreaterThanOrEqual(requestBand.lower);
    expect(coverage).toBeLessThanOrEqual(requestBand.upper);
  });

  it("rate over users (delta-method interval of 0.35 − 0.30)", () => {
    const band = binomialInterval(CLUSTERED_EXPERIMENTS, 1 - ALPHA);
    const coverage = rate(CLUSTERED_EXPERIMENTS, (i) =>
      covers(
        differenceInterval(pick(clustered()[i]!, "a", "c"), "taskSuccessRate"),
        CLUSTERED_TRUE_DIFFERENCE,
      ),
    );
    expect(coverage).toBeGreaterThanOrEqual(band.lower);
    expect(coverage).toBeLessThanOrEqual(band.upper);
  });
});

// ---------------------------------------------------------------------------------------------
// Found by these simulations (or probes built like them) and left open: each is an approximation
// of an asymptotic method or a design question, not a one-line defect.

describe("known departures, left open", () => {
  // Variant cost truly 20% above control (log-normal, σ = 1), guardrail maxRelativeDegradation
  // 0.2: "pass" should occur ≤ α/2 = 0.025 of the time. Measured 0.056 at 100 requests per arm
  // (N = 1000; bound 0.038), 0.034 at 1000 per arm (N = 500; bound 0.043). The delta-method
  // interval of the relative lift is symmetric while the ratio of skewed means is not; the same
  // interval (compareVersions' relativeInterval) covers 0.927 at 100 per arm (band [0.931, 0.967])
  // and 0.958 at 1000. A log-ratio or Fieller interval would be the remedy — a design choice.
  it.todo("guardrail pass rate at the exact limit ≤ α/2 for skewed costs at ~100 requests per arm");

  // Cluster sizes 1 + Pareto(1.3) (capped at 500 requests per user), easy/hard users as above: the
  // delta-method z-test's A/A rate is 0.17 at 60 users per arm (N = 600), 0.14 at 200 (N = 600),
  // 0.07 at 2000 (N = 300) — converging to α, so a slow CLT under heavy-tailed users, not a
  // formula error. A t reference or a minimum-users warning would be the remedy.
  it.todo("delta-method A/A rate ≈ α with heavy-tailed requests per user at a few hundred users");

  // A zero standard error (every request alike within each arm) now gives p = 1, but the
  // intervals (fixed and always-valid) still collapse to the estimate, and guardrails read them:
  // one request per arm, control ok and variant errored, makes analyzeExperiment({ sequential })
  // fail an errorRate guardrail and decide "stop" at the first look — ≈ e(1 − e) of A/A tests
  // with error rate e, a decision the server stores as final. An interval for a degenerate
  // variance (±∞ does not survive JSON) is a design question.
  it.todo("a guardrail never passes or fails from a zero standard error");
});

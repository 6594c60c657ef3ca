import {
  emptyVersionAggregate,
  UNIT_PRODUCTS,
  type UnitTotal,
  type VersionAggregate,
} from "@loopkit/core";
import { requireConfidence, requireInput } from "./errors.js";
import { percentileOfSorted } from "./percentile.js";
import { latencyIntervalsOf } from "./quantile-interval.js";

/** One piece of feedback on a request, as it arrived. */
export interface RequestFeedback {
  /** Feedback name: `rating`, `thumbs`, `task_succeeded`, `copied`, `flagged`, `flag.pii`, … */
  name: string;
  value?: number | boolean | string | null;
  /** The rating's scale when it is not 1–5. */
  scale?: { min: number; max: number };
}

/** One logged request with its feedback, held in memory (tests, small projects, exports). */
export interface RequestRecord {
  /** Prompt version or experiment variant key. */
  version: string;
  status: "ok" | "error";
  /** Cost in micro-dollars; `null`/absent when unknown (never 0 for unknown). */
  costMicros?: number | null;
  latencyMs?: number | null;
  /** A shadow run: excluded from the aggregates, as in the SQL. */
  shadow?: boolean;
  /** The hashed user id; a user's requests form one unit for variances. */
  userHash?: string | null;
  /** Feedback in the order it arrived: for each name, the latest one counts. */
  feedback: RequestFeedback[];
}

const IMPLICIT = ["copied", "regenerated", "edited", "abandoned"] as const;

/** Maps a rating on [min, max] to the 1–5 scale: 1 + 4·(v − min)/(max − min). */
function ratingOnFivePointScale(value: number, scale?: { min: number; max: number }): number {
  if (!scale || (scale.min === 1 && scale.max === 5)) return value;
  return 1 + (4 * (value - scale.min)) / (scale.max - scale.min);
}

function isFlag(feedback: RequestFeedback): boolean {
  if (feedback.name === "flagged") return feedback.value === true;
  return feedback.name.startsWith("flag.") && feedback.value !== false;
}

/** Options of {@link aggregateRecords}. */
export interface AggregateRecordsOptions {
  /** Level of the latency percentile intervals; default 0.95. */
  confidence?: number;
}

type Totals = Record<UnitTotal, number>;

const NO_TOTALS: Totals = {
  requests: 0,
  errors: 0,
  outcomes: 0,
  successes: 0,
  rated: 0,
  ratingSum: 0,
  thumbs: 0,
  thumbsUp: 0,
  copied: 0,
  regenerated: 0,
  edited: 0,
  abandoned: 0,
  flagged: 0,
  costed: 0,
  costSum: 0,
};

interface VersionState {
  aggregate: VersionAggregate;
  latencies: number[];
  /** Totals per unit: a user's hash, or a request's own key when it has no user id. */
  units: Map<string, Totals>;
  users: number;
}

/** Adds one request's totals to its unit. */
function addToUnit(state: VersionState, key: string, request: Totals): void {
  let totals = state.units.get(key);
  if (!totals) {
    totals = { ...NO_TOTALS };
    state.units.set(key, totals);
  }
  for (const name of Object.keys(request) as UnitTotal[]) totals[name] += request[name];
}

/** Sums over units of the products of their totals (VersionAggregate.unitMoments). */
function finishUnitMoments(state: VersionState): void {
  const moments = state.aggregate.unitMoments;
  moments.unit = state.users > 0 ? "user" : "request";
  moments.units = state.units.size;
  for (const product of UNIT_PRODUCTS) {
    const [a, b] = product.split("*") as [UnitTotal, UnitTotal];
    let sum = 0;
    for (const totals of state.units.values()) sum += totals[a] * totals[b];
    moments.products[product] = sum;
  }
}

/**
 * Aggregates in-memory requests per version exactly as the database does (see
 * `VersionAggregate`): shadow runs are skipped; each request counts once per signal, with its
 * latest feedback of each name; ratings are normalised to 1–5; a request is flagged by a
 * `flagged` feedback whose value is `true` or any `flag.*` feedback not valued `false`; an
 * implicit signal counts unless its latest value is `false`; latency percentiles interpolate
 * linearly like PostgreSQL's `percentile_cont`, with order-statistic intervals at `confidence`;
 * unit moments per user (`userHash`), a request without one being a unit of its own.
 *
 * Versions come back in the order they first appear.
 */
export function aggregateRecords(
  records: readonly RequestRecord[],
  options: AggregateRecordsOptions = {},
): VersionAggregate[] {
  const confidence = options.confidence ?? 0.95;
  requireConfidence(confidence, "aggregateRecords(options.confidence)");
  const byVersion = new Map<string, VersionState>();
  records.forEach((record, index) => {
    requireInput(
      typeof record.version === "string" && record.version.length > 0,
      `aggregateRecords(records[${index}].version)`,
      "is missing",
      "Give every request the prompt version or variant it ran with.",
    );
    if (record.shadow) return;
    let entry = byVersion.get(record.version);
    if (!entry) {
      entry = {
        aggregate: emptyVersionAggregate(record.version),
        latencies: [],
        units: new Map(),
        users: 0,
      };
      byVersion.set(record.version, entry);
    }
    const a = entry.aggregate;
    const request: Totals = { ...NO_TOTALS, requests: 1 };
    a.requests += 1;
    if (record.status === "error") {
      a.errors += 1;
      request.errors = 1;
    }
    if (record.costMicros !== null && record.costMicros !== undefined) {
      a.costed += 1;
      a.costMicrosSum += record.costMicros;
      a.costMicrosSumSquares += record.costMicros * record.costMicros;
      request.costed = 1;
      request.costSum = record.costMicros;
    }
    if (record.latencyMs !== null && record.latencyMs !== undefined) {
      entry.latencies.push(record.latencyMs);
    }
    const latest = new Map<string, RequestFeedback>();
    for (const feedback of record.feedback) latest.set(feedback.name, feedback);

    const outcome = latest.get("task_succeeded");
    if (outcome && typeof outcome.value === "boolean") {
      request.outcomes = 1;
      request.successes = outcome.value ? 1 : 0;
    }
    const rating = latest.get("rating");
    if (rating && typeof rating.value === "number") {
      const value = ratingOnFivePointScale(rating.value, rating.scale);
      a.ratingCounts[String(value)] = (a.ratingCounts[String(value)] ?? 0) + 1;
      request.rated = 1;
      request.ratingSum = value;
    }
    const thumbs = latest.get("thumbs");
    if (thumbs && typeof thumbs.value === "boolean") {
      request.thumbs = 1;
      request.thumbsUp = thumbs.value ? 1 : 0;
    }
    for (const name of IMPLICIT) {
      const signal = latest.get(name);
      if (signal && signal.value !== false) request[name] = 1;
    }
    if ([...latest.values()].some(isFlag)) request.flagged = 1;
    a.outcomes += request.outcomes;
    a.successes += request.successes;
    a.thumbs += request.thumbs;
    a.thumbsUp += request.thumbsUp;
    for (const name of IMPLICIT) a[name] += request[name];
    a.flagged += request.flagged;
    const user = record.userHash ?? null;
    if (user !== null) {
      if (!entry.units.has(`user:${user}`)) entry.users += 1;
      addToUnit(entry, `user:${user}`, request);
    } else {
      addToUnit(entry, `request:${index}`, request);
    }
  });
  return [...byVersion.values()].map((state) => {
    const { aggregate, latencies } = state;
    latencies.sort((x, y) => x - y);
    aggregate.latencyP50 = percentileOfSorted(latencies, 0.5);
    aggregate.latencyP95 = percentileOfSorted(latencies, 0.95);
    aggregate.latencyIntervals = latencyIntervalsOf(latencies, confidence);
    finishUnitMoments(state);
    return aggregate;
  });
}

import { emptyVersionAggregate, type VersionAggregate } from "@loopkit/core";
import { requireInput } from "./errors.js";
import { percentileOfSorted } from "./percentile.js";

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

/**
 * Aggregates in-memory requests per version exactly as the database does (see
 * `VersionAggregate`): shadow runs are skipped; each request counts once per signal, with its
 * latest feedback of each name; ratings are normalised to 1–5; a request is flagged by a
 * `flagged` feedback whose value is `true` or any `flag.*` feedback not valued `false`; an
 * implicit signal counts unless its latest value is `false`; latency percentiles interpolate
 * linearly like PostgreSQL's `percentile_cont`.
 *
 * Versions come back in the order they first appear.
 */
export function aggregateRecords(records: readonly RequestRecord[]): VersionAggregate[] {
  const byVersion = new Map<string, { aggregate: VersionAggregate; latencies: number[] }>();
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
      entry = { aggregate: emptyVersionAggregate(record.version), latencies: [] };
      byVersion.set(record.version, entry);
    }
    const a = entry.aggregate;
    a.requests += 1;
    if (record.status === "error") a.errors += 1;
    if (record.costMicros !== null && record.costMicros !== undefined) {
      a.costed += 1;
      a.costMicrosSum += record.costMicros;
      a.costMicrosSumSquares += record.costMicros * record.costMicros;
    }
    if (record.latencyMs !== null && record.latencyMs !== undefined) {
      entry.latencies.push(record.latencyMs);
    }
    const latest = new Map<string, RequestFeedback>();
    for (const feedback of record.feedback) latest.set(feedback.name, feedback);

    const outcome = latest.get("task_succeeded");
    if (outcome && typeof outcome.value === "boolean") {
      a.outcomes += 1;
      if (outcome.value) a.successes += 1;
    }
    const rating = latest.get("rating");
    if (rating && typeof rating.value === "number") {
      const key = String(ratingOnFivePointScale(rating.value, rating.scale));
      a.ratingCounts[key] = (a.ratingCounts[key] ?? 0) + 1;
    }
    const thumbs = latest.get("thumbs");
    if (thumbs && typeof thumbs.value === "boolean") {
      a.thumbs += 1;
      if (thumbs.value) a.thumbsUp += 1;
    }
    for (const name of IMPLICIT) {
      const signal = latest.get(name);
      if (signal && signal.value !== false) a[name] += 1;
    }
    if ([...latest.values()].some(isFlag)) a.flagged += 1;
  });
  return [...byVersion.values()].map(({ aggregate, latencies }) => {
    latencies.sort((x, y) => x - y);
    aggregate.latencyP50 = percentileOfSorted(latencies, 0.5);
    aggregate.latencyP95 = percentileOfSorted(latencies, 0.95);
    return aggregate;
  });
}

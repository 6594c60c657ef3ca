/**
 * versionAggregates over seeded feedback, beside a bare count of the same rollups: the
 * aggregation benchmark of `@loopkit/db`.
 */
import { createProject, type Database, versionAggregates } from "../src/index.js";
import {
  checkRollups,
  countRollups,
  SEEDED_PROMPT,
  SIGNALS_PER_REQUEST,
  seedFeedback,
} from "./seed-feedback.js";
import { timeRuns } from "./timing.js";

/** Timed runs of each query, after a warm-up. */
const RUNS = 9;

/** What {@link measureAggregation} measured. */
export interface AggregationTiming {
  requests: number;
  feedbackRows: number;
  /** Distinct users of the requests, or null when they carry no user id. */
  users: number | null;
  /** versionAggregates of the prompt: median and fastest of {@link RUNS}. */
  medianMs: number;
  minMs: number;
  /** `SELECT count(*)` of the same rollups, median (the floor of reading them). */
  countMs: number;
}

/**
 * Seeds a new project with `feedbackRows` feedback on a quarter as many requests (with about 4
 * requests per user when `byUser`, so versionAggregates computes moments per user), checks the
 * rollups against the feedback, then times versionAggregates of the prompt and, after it, a bare
 * count of the same rollups.
 */
export async function measureAggregation(
  db: Database,
  feedbackRows: number,
  byUser: boolean,
): Promise<AggregationTiming> {
  const projectId = (await createProject(db, { name: `bench-aggregates-${byUser}` })).id;
  const wanted = Math.ceil(feedbackRows / SIGNALS_PER_REQUEST);
  const users = byUser ? 4 * Math.max(1, Math.floor(wanted / 16)) : null;
  const requests = await seedFeedback(db, projectId, 1, wanted, users ? { users } : {});
  await checkRollups(db, projectId);
  const aggregates = await timeRuns(RUNS, async () => {
    const rows = await versionAggregates(db, projectId, { promptName: SEEDED_PROMPT });
    if (rows.reduce((n, r) => n + r.requests, 0) !== requests) throw new Error("bench: bad count");
    if ((rows[0]?.unitMoments.unit === "user") !== byUser) throw new Error("bench: wrong unit");
  });
  const floor = await timeRuns(RUNS, async () => {
    if ((await countRollups(db, projectId)) !== requests) throw new Error("bench: bad count");
  });
  return {
    requests,
    feedbackRows: requests * SIGNALS_PER_REQUEST,
    users,
    ...aggregates,
    countMs: floor.medianMs,
  };
}

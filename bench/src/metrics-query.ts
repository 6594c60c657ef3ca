import {
  createDatabase,
  createProject,
  maintainPartitions,
  migrate,
  versionAggregates,
} from "@loopkit/db";
import { compareVersions } from "@loopkit/metrics";
import {
  checkRollups,
  countFeedbackRows,
  SEEDED_PROMPT,
  SIGNALS_PER_REQUEST,
  seedFeedback,
  skipWriteAheadLog,
} from "../../packages/db/bench/seed-feedback.js";
import { timeRuns } from "../../packages/db/bench/timing.js";

/** `compareVersions` over a number of feedback rows, beside a bare count of those rows. */
export interface MetricsQueryTiming {
  feedbackRows: number;
  requests: number;
  /** `versionAggregates` (SQL) + `compareVersions` (JS), median of the timed runs. */
  compareVersionsMs: number;
  /** `SELECT count(*)` of the project's feedback rows, median of the timed runs. */
  countMs: number;
  /** How many versions were compared, and the verdicts found (a check the work was done). */
  versions: number;
  seedSeconds: number;
}

/**
 * On a fresh schema at `url`: for each size in `feedbackSizes` (ascending), grows one project to
 * that many feedback rows (a quarter as many requests) and times `compareVersions` over
 * `versionAggregates` of the prompt against a bare `SELECT count(*)` of the same feedback rows.
 */
export async function measureMetricsQueries(
  url: string,
  feedbackSizes: readonly number[],
  rounds: number,
): Promise<MetricsQueryTiming[]> {
  const db = await createDatabase({ url, poolSize: 4 });
  try {
    await migrate(db);
    // Monthly partitions for the seeded ~23 days back, as a live deployment has them.
    await maintainPartitions(db, { now: new Date(Date.now() - 40 * 86_400_000), monthsAhead: 3 });
    await skipWriteAheadLog(db);
    const projectId = (await createProject(db, { name: "bench-metrics" })).id;
    const results: MetricsQueryTiming[] = [];
    let requests = 0;
    for (const feedbackRows of feedbackSizes) {
      const target = Math.ceil(feedbackRows / SIGNALS_PER_REQUEST);
      const seedStart = performance.now();
      if (target > requests) await seedFeedback(db, projectId, requests + 1, target);
      await checkRollups(db, projectId);
      const seedSeconds = (performance.now() - seedStart) / 1000;
      requests = target;
      let versions = 0;
      const compared = await timeRuns(rounds, async () => {
        const aggregates = await versionAggregates(db, projectId, { promptName: SEEDED_PROMPT });
        const counted = aggregates.reduce((n, a) => n + a.requests, 0);
        if (counted !== requests) {
          throw new Error(`bench: versionAggregates counted ${counted} requests of ${requests}`);
        }
        versions = compareVersions(aggregates).versions.length;
      });
      let counted = 0;
      const floor = await timeRuns(rounds, async () => {
        counted = await countFeedbackRows(db, projectId);
      });
      if (counted !== requests * SIGNALS_PER_REQUEST) {
        throw new Error(
          `bench: ${counted} feedback rows, expected ${requests * SIGNALS_PER_REQUEST}`,
        );
      }
      results.push({
        feedbackRows: counted,
        requests,
        compareVersionsMs: compared.medianMs,
        countMs: floor.medianMs,
        versions,
        seedSeconds,
      });
    }
    return results;
  } finally {
    await db.close();
  }
}

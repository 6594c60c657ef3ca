import {
  createDatabase,
  createProject,
  type Database,
  maintainPartitions,
  migrate,
  versionAggregates,
} from "@loopkit/db";
import { compareVersions, type VersionComparison } from "@loopkit/metrics";
import {
  checkRollups,
  countFeedbackRows,
  SEEDED_PROMPT,
  SIGNALS_PER_REQUEST,
  seedFeedback,
  skipWriteAheadLog,
} from "../../packages/db/bench/seed-feedback.js";
import { timeRuns } from "../../packages/db/bench/timing.js";
import {
  assertSameVerdicts,
  compareVersionsInJs,
  type JsComparisonSteps,
} from "./metrics-in-js.js";
import { percentile } from "./percentile.js";

/** The same comparison computed in JS from the fetched rows (see `compareVersionsInJs`). */
export interface InJsTiming {
  /** Fetch + build + `compareVersions`, median of the timed runs. */
  ms: number;
  /** Each step's median over the timed runs (they need not add up to `ms`). */
  steps: JsComparisonSteps;
  requestRows: number;
  feedbackRows: number;
}

/**
 * `compareVersions` over a number of feedback rows, beside a bare count of those rows and, at
 * the smaller sizes, the same comparison computed in JS from the fetched rows.
 */
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
  /** The JS baseline, at sizes up to `inJsUpTo` only; null above. */
  inJs: InJsTiming | null;
}

/**
 * On a fresh schema at `url`: for each size in `feedbackSizes` (ascending), grows one project to
 * that many feedback rows (a quarter as many requests) and times `compareVersions` over
 * `versionAggregates` of the prompt against a bare `SELECT count(*)` of the same feedback rows.
 * At sizes up to `inJsUpTo` feedback rows, also times the same comparison computed in JS from
 * the fetched rows and checks it reaches the same verdicts.
 */
export async function measureMetricsQueries(
  url: string,
  feedbackSizes: readonly number[],
  rounds: number,
  inJsUpTo: number,
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
      let inSql: VersionComparison | undefined;
      const compared = await timeRuns(rounds, async () => {
        const aggregates = await versionAggregates(db, projectId, { promptName: SEEDED_PROMPT });
        const counted = aggregates.reduce((n, a) => n + a.requests, 0);
        if (counted !== requests) {
          throw new Error(`bench: versionAggregates counted ${counted} requests of ${requests}`);
        }
        inSql = compareVersions(aggregates);
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
        versions: inSql!.versions.length,
        seedSeconds,
        inJs: feedbackRows <= inJsUpTo ? await timeInJs(db, projectId, rounds, inSql!) : null,
      });
    }
    return results;
  } finally {
    await db.close();
  }
}

/**
 * Times `compareVersionsInJs` over the seeded prompt, `rounds` runs after a warm-up, and checks
 * every run's verdicts against the SQL path's.
 */
async function timeInJs(
  db: Database,
  projectId: string,
  rounds: number,
  inSql: VersionComparison,
): Promise<InJsTiming> {
  const steps: JsComparisonSteps[] = [];
  let rowsRead = { requestRows: 0, feedbackRows: 0 };
  const timed = await timeRuns(rounds, async () => {
    const run = await compareVersionsInJs(db, projectId, SEEDED_PROMPT);
    assertSameVerdicts(inSql, run.comparison);
    steps.push(run.steps);
    rowsRead = { requestRows: run.requestRows, feedbackRows: run.feedbackRows };
  });
  const timedSteps = steps.slice(1); // the first is timeRuns' warm-up
  const median = (step: keyof JsComparisonSteps) =>
    percentile(
      timedSteps.map((s) => s[step]),
      0.5,
    )!;
  return {
    ms: timed.medianMs,
    steps: {
      fetchMs: median("fetchMs"),
      buildMs: median("buildMs"),
      computeMs: median("computeMs"),
    },
    ...rowsRead,
  };
}

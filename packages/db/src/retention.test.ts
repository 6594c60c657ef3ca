import { ExperimentConfig } from "@loopkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyRetention,
  countEvents,
  createEvaluationRun,
  createExperiment,
  createProject,
  createPromptVersion,
  type Database,
  foldUserRollups,
  insertApiKey,
  insertEvents,
  maintainPartitions,
  putCachedJudgment,
  recordAudit,
  recordShadowResult,
  requestApproval,
  setEvaluationRunStatus,
  updateProjectSettings,
} from "./index.js";
import { exposureEvent, feedbackEvent, logEvent } from "./test-events.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Expected values follow from the dates below, with "now" fixed at 2024-06-15T00:00Z:
// project A keeps 30 days (cutoff 2024-05-16), B keeps 200 days (cutoff 2023-11-28), C keeps
// everything. Partitions are monthly (UTC), so e.g. requests_p2024_01 ends on 2024-02-01.

const NOW = new Date("2024-06-15T00:00:00.000Z");

async function partitions(db: Database, table: string): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
     JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = $1 ORDER BY 1`,
    [table],
  );
  return rows.map((r) => r.name);
}

describe.each(await testDrivers())("retention on %s", (driver) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
  });
  afterAll(() => db.close());

  it("moves events from DEFAULT into a partition created for their month", async () => {
    const p = await createProject(db, { name: "backfill" });
    const old = logEvent({ timestamp: "2023-08-09T10:00:00.000Z" });
    await insertEvents(db, p.id, [old]);
    const [before] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM requests_default WHERE id = $1",
      [old.id],
    );
    expect(before!.n).toBe(1);
    const { created } = await maintainPartitions(db, { now: new Date("2023-08-01T00:00:00Z") });
    expect(created).toBeGreaterThanOrEqual(2);
    expect(await partitions(db, "requests")).toContain("requests_p2023_08");
    const [after] = await db.query<{ n: number }>(
      "SELECT (SELECT count(*) FROM requests_default WHERE id = $1)::int AS n",
      [old.id],
    );
    expect(after!.n).toBe(0);
    const [moved] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM requests_p2023_08 WHERE id = $1",
      [old.id],
    );
    expect(moved!.n).toBe(1);
    // The partition is as good as the parent: a retry of the moved event is still a duplicate.
    expect(await insertEvents(db, p.id, [old])).toEqual(["duplicate"]);
    expect((await maintainPartitions(db, { now: new Date("2023-08-01T00:00:00Z") })).created).toBe(
      0,
    );
  });

  it("drops partitions no project needs and deletes the rest in batches", async () => {
    await maintainPartitions(db, { now: new Date("2023-10-01T00:00:00Z"), monthsAhead: 9 });
    const a = (await createProject(db, { name: "A" })).id;
    const b = (await createProject(db, { name: "B" })).id;
    const c = (await createProject(db, { name: "C" })).id;
    await updateProjectSettings(db, a, { retentionDays: 30 });
    await updateProjectSettings(db, b, { retentionDays: 200 });

    const aOld = logEvent({ timestamp: "2024-01-10T00:00:00.000Z" }); // in a droppable partition
    const aMarch = Array.from({ length: 5 }, (_, i) =>
      logEvent({ timestamp: `2024-03-0${i + 1}T00:00:00.000Z` }),
    );
    const aRecent = logEvent({ timestamp: "2024-06-01T00:00:00.000Z" });
    const aMay = logEvent({ timestamp: "2024-05-10T00:00:00.000Z" }); // expired, partition kept
    await insertEvents(db, a, [
      aOld,
      ...aMarch,
      aRecent,
      aMay,
      feedbackEvent(aMay.id, {
        name: "thumbs",
        kind: "explicit",
        value: true,
        timestamp: "2024-05-11T00:00:00.000Z",
      }),
      feedbackEvent(aRecent.id, {
        name: "thumbs",
        kind: "explicit",
        value: true,
        timestamp: "2024-06-02T00:00:00.000Z",
      }),
      exposureEvent("e", "a", "u1", { timestamp: "2024-04-01T00:00:00.000Z" }),
      exposureEvent("e", "a", "u2", { timestamp: "2024-06-10T00:00:00.000Z" }),
    ]);
    await insertEvents(db, b, [
      logEvent({ timestamp: "2023-10-05T00:00:00.000Z" }), // expired: its partition goes
      logEvent({ timestamp: "2024-01-20T00:00:00.000Z" }), // kept: inside 200 days
    ]);
    await insertEvents(db, c, [logEvent({ timestamp: "2024-03-20T00:00:00.000Z" })]);

    const result = await applyRetention(db, { now: NOW, batchSize: 2 });
    // requests_p2023_08 holds the backfill project's row (kept forever), so it stays;
    // requests_p2023_10 held only B's expired row; 2023-09, 2023-11, 2023-12, 2024-02 and
    // 2024-04 (it ends 2024-05-01, before A's cutoff) are empty: no project needs them.
    // requests_p2024_01 keeps B's row, 2024-03 C's row; 2024-05 ends after A's cutoff.
    // Every feedback partition up to 2024-04 is empty.
    expect(result.droppedPartitions).toEqual([
      "feedback_p2023_08",
      "feedback_p2023_09",
      "feedback_p2023_10",
      "feedback_p2023_11",
      "feedback_p2023_12",
      "feedback_p2024_01",
      "feedback_p2024_02",
      "feedback_p2024_03",
      "feedback_p2024_04",
      "requests_p2023_09",
      "requests_p2023_10",
      "requests_p2023_11",
      "requests_p2023_12",
      "requests_p2024_02",
      "requests_p2024_04",
      // Emptied by the batch deletes (A's May request and its feedback), then dropped too.
      "feedback_p2024_05",
      "requests_p2024_05",
    ]);
    // A's January row sits in a partition kept for B, its five March rows in one kept for C,
    // its May row after A's cutoff-partition boundary: 7 rows deleted in batches of 2.
    expect(result.deleted).toEqual({ requests: 7, feedback: 1, exposures: 1 });
    // One rollup per expired request, whether its row went in a batch or with its partition:
    // A's 7 and B's October request.
    expect(result.rollups).toBe(8);
    expect(await countEvents(db, a)).toEqual({ requests: 1, feedback: 1, exposures: 1 });
    expect(await countEvents(db, b)).toEqual({ requests: 1, feedback: 0, exposures: 0 });
    expect(await countEvents(db, c)).toEqual({ requests: 1, feedback: 0, exposures: 0 });

    // Nothing left to do on a second run.
    expect(await applyRetention(db, { now: NOW })).toEqual({
      droppedPartitions: [],
      deleted: { requests: 0, feedback: 0, exposures: 0 },
      rollups: 0,
      derived: { shadowResults: 0, judgeCache: 0, evaluationRuns: 0, evaluationItems: 0 },
    });
    // An event of a dropped month is still accepted: it lands in DEFAULT.
    expect(
      await insertEvents(db, c, [logEvent({ timestamp: "2023-10-06T00:00:00.000Z" })]),
    ).toEqual(["accepted"]);
  });

  it("refuses a bad batch size with a code", async () => {
    await expect(applyRetention(db, { batchSize: 0 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });
});

// Every table holding a project's rows, as the migrations declare them, and what retention does
// with it: "expires" (event data, or made from events: copies of inputs, outputs and judgments)
// or "kept" (the project's configuration and its append-only audit log, not event data). A
// table added later fails the first test until it is placed here, and in retention.ts.
const PROJECT_TABLES: Record<string, "expires" | "kept"> = {
  api_keys: "kept",
  approvals: "kept",
  audit_log: "kept",
  audit_log_counters: "kept",
  evaluation_items: "expires",
  evaluation_runs: "expires",
  experiment_decisions: "kept",
  experiments: "kept",
  exposures: "expires",
  feedback: "expires",
  judge_cache: "expires",
  projects: "kept",
  prompt_versions: "kept",
  request_rollups: "expires",
  user_rollups: "expires",
  user_rollup_changes: "expires",
  requests: "expires",
  shadow_results: "expires",
};

/** Rows of each project table held by `projectId`. */
async function rowsOf(db: Database, projectId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of Object.keys(PROJECT_TABLES)) {
    const column = table === "projects" ? "id" : "project_id";
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`,
      [projectId],
    );
    counts[table] = row!.n;
  }
  return counts;
}

describe.each(await testDrivers())("retention of every project table on %s", (driver) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
  });
  afterAll(() => db.close());

  it("knows every table that holds a project's rows", async () => {
    const tables = await db.query<{ name: string }>(
      `SELECT c.relname AS name
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       WHERE c.relnamespace = to_regnamespace(current_schema())::oid
         AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         AND a.attname = 'project_id' AND NOT a.attisdropped
       ORDER BY 1`,
      [],
    );
    expect(["projects", ...tables.map((t) => t.name)].sort()).toEqual(
      Object.keys(PROJECT_TABLES).sort(),
    );
  });

  it("deletes every expiring row of a project past its retention and keeps its configuration", async () => {
    /** Fills every project table with rows made now. */
    const fill = async (projectId: string) => {
      // A prompt name and a user id, so the request also counts in user_rollups.
      const request = logEvent({
        input: "question",
        output: "answer",
        promptName: "support",
        userHash: "user-1",
      });
      const shadow = logEvent({ promptVersion: "v2", shadowOf: request.id });
      await insertEvents(db, projectId, [request, shadow, exposureEvent("exp", "a", "unit-1")]);
      await recordShadowResult(db, projectId, {
        shadowRequestId: shadow.id,
        productionRequestId: request.id,
        candidateVersion: "v2",
        winner: "candidate",
        judgment: { reason: "answer quoted here" },
      });
      await putCachedJudgment(db, projectId, "hash-1", { score: 4 });
      const run = async (items: number) =>
        (
          await createEvaluationRun(db, {
            projectId,
            kind: "rubric",
            judgeConfig: {},
            versions: ["v1"],
            items: Array.from({ length: items }, (_, i) => ({
              version: "v1",
              requestId: request.id,
              input: `question ${i}`,
              outputs: { output: `answer ${i}` },
            })),
          })
        ).id;
      await setEvaluationRunStatus(db, projectId, await run(2), "completed");
      await run(1); // pending: never started
      await setEvaluationRunStatus(db, projectId, await run(3), "running");
      await insertApiKey(db, { projectId, kind: "secret", keyHash: `h-${projectId}`, prefix: "p" });
      await createPromptVersion(db, projectId, { promptName: "support", version: "v2" });
      await createExperiment(
        db,
        projectId,
        ExperimentConfig.parse({ key: "exp", variants: [{ key: "a" }, { key: "b" }] }),
      );
      // (Written directly: the decision's repository is another change's.)
      await db.query(
        `INSERT INTO experiment_decisions (project_id, experiment_key, decision, reasons, settings,
           analysis) VALUES ($1, 'exp', 'stop', '[]', '{}', '{}')`,
        [projectId],
      );
      await requestApproval(db, projectId, {
        subjectType: "prompt_version",
        subjectKey: "support@v2",
        action: "promote",
        requestedBy: "ana",
      });
      await recordAudit(db, {
        projectId,
        actor: "ana",
        action: "prompt_version.create",
        subjectType: "prompt_version",
        subjectKey: "support@v2",
      });
      return request;
    };
    /** Feedback on the filled request, after a fold: a user total kept and a change pending. */
    const rate = (projectId: string, request: { id: string }) =>
      insertEvents(db, projectId, [
        feedbackEvent(request.id, { name: "thumbs", kind: "explicit", value: true }),
      ]);
    const expiring = (await createProject(db, { name: "keeps 30 days" })).id;
    const forever = (await createProject(db, { name: "keeps everything" })).id;
    await updateProjectSettings(db, expiring, { retentionDays: 30 });
    const requests = [await fill(expiring), await fill(forever)] as const;
    await foldUserRollups(db);
    await rate(expiring, requests[0]);
    await rate(forever, requests[1]);
    const full = await rowsOf(db, forever);
    // Every table holds rows of both, so each one's fate below is observed, not assumed.
    for (const [table, n] of Object.entries(full)) expect(n, table).toBeGreaterThan(0);
    expect(await rowsOf(db, expiring)).toEqual(full);

    // 40 days on, everything made now is 10 days past the 30-day retention.
    const result = await applyRetention(db, { now: new Date(Date.now() + 40 * 86_400_000) });
    expect(result.deleted).toEqual({ requests: 2, feedback: 1, exposures: 1 });
    expect(result.rollups).toBe(2);
    // The running run is left to its executor; the completed and the pending one go with their
    // 2 + 1 items.
    expect(result.derived).toEqual({
      shadowResults: 1,
      judgeCache: 1,
      evaluationRuns: 2,
      evaluationItems: 3,
    });
    const stillRunning: Record<string, number> = { evaluation_runs: 1, evaluation_items: 3 };
    const left = await rowsOf(db, expiring);
    for (const [table, fate] of Object.entries(PROJECT_TABLES)) {
      expect(left[table], table).toBe(fate === "kept" ? full[table] : (stillRunning[table] ?? 0));
    }
    // Retention's fold also folded the other project's pending change into its kept total.
    expect(await rowsOf(db, forever)).toEqual({ ...full, user_rollup_changes: 0 });
  });
});

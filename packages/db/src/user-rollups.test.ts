import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyRetention,
  createProject,
  type Database,
  foldUserRollups,
  insertEvents,
  updateProjectSettings,
  versionAggregates,
} from "./index.js";
import { feedbackEvent, logEvent } from "./test-events.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// user_rollups (migrations 0008, 0010) keeps each user's totals of a prompt version: a trigger on
// request_rollups appends each change to user_rollup_changes, and foldUserRollups moves them into
// the kept totals. Expected rows are worked out by hand from the events of each test;
// versionAggregates of a whole prompt reads kept totals plus changes not yet folded, and must
// equal its general statement (the same call with a time range that includes everything, which
// groups the request rollups by user), before a fold and after it.

const PROMPT = "support";

/** The kept totals of a project once folded, one row per version and user (a few columns). */
async function userTotals(db: Database, projectId: string) {
  expect(await foldUserRollups(db)).toMatchObject({ skipped: false });
  return db.query<{
    version: string;
    user: string;
    requests: number;
    errors: number;
    rated: number;
    rating_sum: number;
    thumbs_up: number;
    flagged: number;
    cost_sum: number;
  }>(
    `SELECT prompt_version AS version, user_hash AS user, requests, errors, rated,
            rating_sum::float8 AS rating_sum, thumbs_up, flagged, cost_sum::float8 AS cost_sum
     FROM user_rollups WHERE project_id = $1 ORDER BY 1, 2`,
    [projectId],
  );
}

/** A kept row with the given totals and zeros elsewhere. */
const totals = (version: string, user: string, values: Record<string, number>) => ({
  version,
  user,
  requests: 0,
  errors: 0,
  rated: 0,
  rating_sum: 0,
  thumbs_up: 0,
  flagged: 0,
  cost_sum: 0,
  ...values,
});

/** versionAggregates of the whole prompt (kept totals) equals its general statement's. */
async function expectKeptEqualsGrouped(db: Database, projectId: string): Promise<void> {
  expect(await pendingChanges(db, projectId)).toBe(0); // after userTotals' fold: kept totals only
  const kept = await versionAggregates(db, projectId, { promptName: PROMPT });
  const grouped = await versionAggregates(db, projectId, {
    promptName: PROMPT,
    from: new Date(0),
  });
  expect(kept).toEqual(grouped);
}

/** The changes of a project appended and not yet folded. */
async function pendingChanges(db: Database, projectId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM user_rollup_changes WHERE project_id = $1",
    [projectId],
  );
  return row?.n ?? 0;
}

/** versionAggregates of the whole prompt with changes not yet folded equals the general one's. */
async function expectPendingEqualsGrouped(db: Database, projectId: string): Promise<void> {
  expect(await pendingChanges(db, projectId)).toBeGreaterThan(0);
  const current = await versionAggregates(db, projectId, { promptName: PROMPT });
  const grouped = await versionAggregates(db, projectId, {
    promptName: PROMPT,
    from: new Date(0),
  });
  expect(current).toEqual(grouped);
}

const log = (userHash: string | null, fields: Parameters<typeof logEvent>[0] = {}) =>
  logEvent({ promptName: PROMPT, promptVersion: "v1", userHash, ...fields });

const after = (request: { timestamp: string }, seconds: number) =>
  new Date(Date.parse(request.timestamp) + seconds * 1000).toISOString();

describe.each(await testDrivers())("user_rollups on %s", (driver) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
  });
  afterAll(() => db.close());

  const project = async (name: string) => (await createProject(db, { name })).id;

  it("follows late feedback, replacing an older value and ignoring an older arrival", async () => {
    const p = await project("late feedback");
    const r = log("u1", { costMicros: 7 });
    const rating = (seconds: number, value: number) =>
      feedbackEvent(r.id, {
        name: "rating",
        kind: "explicit",
        value,
        timestamp: after(r, seconds),
      });
    await insertEvents(db, p, [r, rating(1, 2)]);
    expect(await userTotals(db, p)).toEqual([
      totals("v1", "u1", { requests: 1, rated: 1, rating_sum: 2, cost_sum: 7 }),
    ]);
    await insertEvents(db, p, [rating(10, 5)]); // newer: replaces 2
    await insertEvents(db, p, [rating(5, 1)]); // older than 5's: ignored
    await insertEvents(db, p, [
      feedbackEvent(r.id, { name: "flag.pii", kind: "explicit", timestamp: after(r, 11) }),
    ]);
    expect(await userTotals(db, p)).toEqual([
      totals("v1", "u1", { requests: 1, rated: 1, rating_sum: 5, flagged: 1, cost_sum: 7 }),
    ]);
    await expectKeptEqualsGrouped(db, p);
  });

  it("counts feedback that came before its request once the request is logged", async () => {
    const p = await project("feedback first");
    const r = log("u1", { status: "error" });
    await insertEvents(db, p, [
      feedbackEvent(r.id, {
        name: "thumbs",
        kind: "explicit",
        value: true,
        timestamp: after(r, 1),
      }),
    ]);
    expect(await userTotals(db, p)).toEqual([]); // no request yet: nothing counted
    await insertEvents(db, p, [r]);
    expect(await userTotals(db, p)).toEqual([
      totals("v1", "u1", { requests: 1, errors: 1, thumbs_up: 1 }),
    ]);
    await expectKeptEqualsGrouped(db, p);
  });

  it("leaves out requests without a user, shadow runs and requests without a prompt", async () => {
    const p = await project("left out");
    const r = log("u1", { costMicros: 10 });
    const anonymous = log(null, { costMicros: 20, status: "error" });
    await insertEvents(db, p, [
      r,
      anonymous,
      log("u1", { costMicros: 999, shadowOf: r.id }),
      logEvent({ userHash: "u1", promptVersion: "v1", costMicros: 500 }),
      log("u2", { promptVersion: undefined, costMicros: 3 }),
      feedbackEvent(anonymous.id, { name: "rating", kind: "explicit", value: 4 }),
    ]);
    expect(await userTotals(db, p)).toEqual([
      totals("(none)", "u2", { requests: 1, cost_sum: 3 }),
      totals("v1", "u1", { requests: 1, cost_sum: 10 }),
    ]);
    // The request without a user is still its own unit, read from the request rollups.
    const [, v1] = await versionAggregates(db, p, { promptName: PROMPT });
    expect(v1).toMatchObject({ requests: 2, errors: 1, costMicrosSum: 30 });
    expect(v1?.unitMoments).toMatchObject({ unit: "user", units: 2 });
    await expectKeptEqualsGrouped(db, p);
  });

  it("follows retention's deletes and drops users left without requests", async () => {
    const p = await project("retention");
    await updateProjectSettings(db, p, { retentionDays: 30 });
    const now = Date.now();
    const daysAgo = (days: number) => new Date(now - days * 86_400_000).toISOString();
    await insertEvents(db, p, [
      log("u1", { timestamp: daysAgo(60), costMicros: 1 }),
      log("u1", { timestamp: daysAgo(1), costMicros: 2 }),
      log("u2", { timestamp: daysAgo(60), costMicros: 4 }),
    ]);
    expect(await userTotals(db, p)).toEqual([
      totals("v1", "u1", { requests: 2, cost_sum: 3 }),
      totals("v1", "u2", { requests: 1, cost_sum: 4 }),
    ]);
    const result = await applyRetention(db, { now: new Date(now) });
    expect(result.rollups).toBe(2);
    expect(await userTotals(db, p)).toEqual([totals("v1", "u1", { requests: 1, cost_sum: 2 })]);
    await expectKeptEqualsGrouped(db, p);
  });

  it("totals two concurrent batches on the same users", async () => {
    const p = await project("concurrent");
    const users = Array.from({ length: 40 }, (_, i) => `user-${String(i).padStart(2, "0")}`);
    // Each batch logs one request per user (in opposite user orders) with a rating of 1 or 2.
    const batch = (order: string[], rating: number) =>
      order.flatMap((user) => {
        const r = log(user, { costMicros: rating });
        return [r, feedbackEvent(r.id, { name: "rating", kind: "explicit", value: rating })];
      });
    for (let round = 0; round < 3; round++) {
      await Promise.all([
        insertEvents(db, p, batch(users, 1)),
        insertEvents(db, p, batch([...users].reverse(), 2)),
      ]);
    }
    // Per user: 3 rounds × 2 requests, ratings and costs 3 × (1 + 2) = 9.
    expect(await userTotals(db, p)).toEqual(
      users.map((user) =>
        totals("v1", user, { requests: 6, rated: 6, rating_sum: 9, cost_sum: 9 }),
      ),
    );
    await expectKeptEqualsGrouped(db, p);
  });

  it("reads changes not yet folded: new users, changed users and users left without requests", async () => {
    const p = await project("pending");
    const r1 = log("u1", { costMicros: 5 });
    const r2 = log("u2", { costMicros: 6 });
    await insertEvents(db, p, [r1, r2, log("u3")]);
    await expectPendingEqualsGrouped(db, p); // users with no kept row yet
    await foldUserRollups(db);
    await insertEvents(db, p, [
      feedbackEvent(r1.id, { name: "rating", kind: "explicit", value: 4 }),
      log("u4", { status: "error" }),
    ]);
    // u2's only request gone, as retention's delete would before a fold: a change of −1 request.
    await db.query("DELETE FROM request_rollups WHERE project_id = $1 AND request_id = $2", [
      p,
      r2.id,
    ]);
    await expectPendingEqualsGrouped(db, p); // u1 changed, u2 emptied, u4 new, u3 untouched
    const [v1] = await versionAggregates(db, p, { promptName: PROMPT });
    expect(v1?.unitMoments).toMatchObject({ unit: "user", units: 3 });
    expect(await userTotals(db, p)).toEqual([
      totals("v1", "u1", { requests: 1, rated: 1, rating_sum: 4, cost_sum: 5 }),
      totals("v1", "u3", { requests: 1 }),
      totals("v1", "u4", { requests: 1, errors: 1 }),
    ]);
    await expectKeptEqualsGrouped(db, p);
  });

  // PGlite has one connection: folds and batches cannot overlap there.
  it.runIf(driver === "postgres")(
    "folds each change once while batches keep coming, and one fold at a time",
    async () => {
      const p = await project("fold under ingest");
      const users = Array.from({ length: 20 }, (_, i) => `user-${i}`);
      const batch = (round: number) =>
        users.flatMap((user) => {
          const r = log(user, { costMicros: round });
          return [r, feedbackEvent(r.id, { name: "thumbs", kind: "explicit", value: true })];
        });
      const ingest = (async () => {
        for (let round = 1; round <= 15; round++) await insertEvents(db, p, batch(round));
      })();
      let folds = 0;
      let ingesting = true;
      void ingest.finally(() => {
        ingesting = false;
      });
      while (ingesting) {
        const [a, b] = await Promise.all([foldUserRollups(db), foldUserRollups(db)]);
        // Two folds at once: each either folds or is skipped while the other holds the lock.
        expect([a, b].filter((f) => !f.skipped).length).toBeGreaterThanOrEqual(1);
        folds++;
      }
      await ingest;
      expect(folds).toBeGreaterThan(0);
      // Per user: 15 requests with thumbs up, costs 1 + … + 15 = 120.
      expect(await userTotals(db, p)).toEqual(
        users
          .map((user) => totals("v1", user, { requests: 15, thumbs_up: 15, cost_sum: 120 }))
          .sort((x, y) => x.user.localeCompare(y.user)),
      );
      await expectKeptEqualsGrouped(db, p);
    },
    30_000,
  );

  it.runIf(driver === "postgres")("skips a fold while another one runs", async () => {
    await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(20260010)", []);
      expect(await foldUserRollups(db)).toEqual({ skipped: true });
    });
  });

  it("keeps the totals a rebuild from every request rollup gives", async () => {
    await foldUserRollups(db);
    const kept = await db.query("SELECT * FROM user_rollups ORDER BY 1, 2, 3, 4", []);
    expect(kept.length).toBeGreaterThan(0); // rows of the tests above
    // Migration 0010's delta of every rollup counted once, as a backfill would add it up.
    const [{ sql } = { sql: "" }] = await db.query<{ sql: string }>(
      "SELECT loopkit_user_rollup_delta('SELECT 1 AS sign, * FROM request_rollups') AS sql",
      [],
    );
    expect(await db.query(`${sql} ORDER BY 1, 2, 3, 4`, [])).toEqual(kept);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyRetention,
  createProject,
  type Database,
  insertEvents,
  updateProjectSettings,
  versionAggregates,
} from "./index.js";
import { feedbackEvent, logEvent } from "./test-events.js";
import { lockWaits } from "./test-lock-waits.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// user_rollups (migration 0008) keeps each user's totals of a prompt version, maintained by a
// trigger on request_rollups. Expected rows are worked out by hand from the events of each test;
// versionAggregates of a whole prompt reads them, and must equal its general statement (the same
// call with a time range that includes everything, which groups the request rollups by user).

const PROMPT = "support";

/** The kept totals of a project, one row per version and user (a few columns, as numbers). */
async function userTotals(db: Database, projectId: string) {
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
  const kept = await versionAggregates(db, projectId, { promptName: PROMPT });
  const grouped = await versionAggregates(db, projectId, {
    promptName: PROMPT,
    from: new Date(0),
  });
  expect(kept).toEqual(grouped);
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

  // PGlite has one connection: batches cannot overlap there. Users are locked in some order,
  // so one of the two crossings runs against it, whichever it is.
  it.runIf(driver === "postgres").each([
    ["u1", "u2"],
    ["u2", "u1"],
  ])(
    "takes no deadlock between a batch of requests and a batch whose feedback crosses its users (%s rated)",
    async (rated, logged) => {
      const p = await project(`crossed users, ${rated} rated`);
      const ratedRequest = log(rated);
      await insertEvents(db, p, [ratedRequest, log(logged)]);
      // B: a request of `logged` (its statement changes their totals), then feedback on a
      // request of `rated`.
      const feedbackOnRated = feedbackEvent(ratedRequest.id, {
        name: "thumbs",
        kind: "explicit",
        value: true,
      });
      const batchB = [log(logged), feedbackOnRated];
      // A: requests only (one statement, so not retried), of both users.
      const batchA = [log("u1"), log("u2")];
      // B is held between its two statements by an uncommitted feedback row with the key of
      // B's feedback, which B's insert of it waits for.
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let holding!: () => void;
      const held = new Promise<void>((resolve) => {
        holding = resolve;
      });
      const holder = db
        .transaction(async (tx) => {
          await tx.query(
            `INSERT INTO feedback (project_id, ts, id, request_id, kind, name)
             VALUES ($1, $2, $3, $4, 'explicit', 'held')`,
            [p, feedbackOnRated.timestamp, feedbackOnRated.id, ratedRequest.id],
          );
          holding();
          await released;
          throw new Error("rolled back on purpose");
        })
        .catch(() => {});
      await held;
      const b = insertEvents(db, p, batchB);
      await lockWaits(db, 1); // B has written its request and waits for the held row
      const a = insertEvents(db, p, batchA);
      await lockWaits(db, 2); // A waits for B (without the fix: holding one user, for the other)
      release(); // B goes on to its feedback
      await holder;
      const outcomes = await Promise.allSettled([a, b]);
      // A rejected batch shows its error (40P01 deadlock_detected was the defect).
      expect(outcomes.map((o) => (o.status === "rejected" ? String(o.reason) : o.status))).toEqual([
        "fulfilled",
        "fulfilled",
      ]);
      expect(await userTotals(db, p)).toEqual([
        totals("v1", "u1", { requests: rated === "u1" ? 2 : 3, thumbs_up: rated === "u1" ? 1 : 0 }),
        totals("v1", "u2", { requests: rated === "u2" ? 2 : 3, thumbs_up: rated === "u2" ? 1 : 0 }),
      ]);
      await expectKeptEqualsGrouped(db, p);
    },
    20_000,
  );

  it("holds after the migration's backfill the totals the trigger kept", async () => {
    const before = await db.query("SELECT * FROM user_rollups ORDER BY 1, 2, 3, 4", []);
    expect(before.length).toBeGreaterThan(0); // rows of the tests above
    await db.transaction(async (tx) => {
      await tx.query("DELETE FROM user_rollups", []);
      // The backfill statement of migration 0008.
      await tx.query(
        "DO $$ BEGIN EXECUTE loopkit_user_rollups_upsert('SELECT 1 AS sign, * FROM request_rollups'); END $$",
        [],
      );
    });
    expect(await db.query("SELECT * FROM user_rollups ORDER BY 1, 2, 3, 4", [])).toEqual(before);
  });
});

import { newEventId } from "@loopkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countEvents,
  createProject,
  type Database,
  insertEvents,
  versionAggregates,
} from "./index.js";
import { exposureEvent, feedbackEvent, logEvent } from "./test-events.js";
import { lockWaits } from "./test-lock-waits.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Expected values are the events each test writes, read back with plain SELECTs on both
// drivers; "duplicate" follows the idempotency key (project_id, timestamp, id) of DESIGN.md.

describe.each(await testDrivers())("insertEvents on %s", (driver) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
  });
  afterAll(() => db.close());

  it("stores every field of a log event, with awkward text intact", async () => {
    const p = await createProject(db, { name: "fields" });
    const event = logEvent({
      timestamp: "2025-03-04T05:06:07.891Z",
      conversationId: "conv-1",
      turnIndex: 3,
      requestId: "http-42",
      userHash: "uh",
      sessionId: "s-1",
      promptName: "support",
      promptVersion: "v2",
      experimentKey: "exp",
      variant: "b",
      model: "gpt-4o-mini",
      provider: "openai",
      input: [
        { role: "system", content: 'quote " backslash \\ comma , braces {} NULL' },
        { role: "user", content: "ünïcödé 😀" },
      ],
      output: "answer",
      usage: { inputTokens: 10, outputTokens: 20, cachedInputTokens: 5 },
      costMicros: 1234,
      tokensEstimated: true,
      latencyMs: 812.5,
      timeToFirstTokenMs: 120,
      status: "error",
      errorMessage: "rate limited",
      tags: ["a", "b,c", 'd"e', "f\\g", "{}", "NULL", " spaced "],
      metadata: { nested: { list: [1, "two", null] } },
      shadowOf: "01890a5d-ac96-7b3c-8d6e-0123456789ab",
    });
    expect(await insertEvents(db, p.id, [event])).toEqual(["accepted"]);
    const [row] = await db.query<Record<string, unknown>>(
      "SELECT * FROM requests WHERE project_id = $1",
      [p.id],
    );
    expect(row).toMatchObject({
      id: event.id,
      ts: new Date("2025-03-04T05:06:07.891Z"),
      conversation_id: "conv-1",
      turn_index: 3,
      caller_request_id: "http-42",
      user_hash: "uh",
      session_id: "s-1",
      prompt_name: "support",
      prompt_version: "v2",
      experiment_key: "exp",
      variant: "b",
      model: "gpt-4o-mini",
      provider: "openai",
      input: event.input,
      output: "answer",
      input_tokens: 10,
      output_tokens: 20,
      cached_input_tokens: 5,
      tokens_estimated: true,
      cost_micros: 1234,
      latency_ms: 812.5,
      time_to_first_token_ms: 120,
      status: "error",
      error_message: "rate limited",
      tags: ["a", "b,c", 'd"e', "f\\g", "{}", "NULL", " spaced "],
      metadata: { nested: { list: [1, "two", null] } },
      shadow_of: "01890a5d-ac96-7b3c-8d6e-0123456789ab",
    });
  });

  it("derives cost_micros from costUsd when the server gave none", async () => {
    const p = await createProject(db, { name: "cost" });
    await insertEvents(db, p.id, [logEvent({ costUsd: 0.002345 })]);
    const [row] = await db.query<{ cost_micros: number }>(
      "SELECT cost_micros FROM requests WHERE project_id = $1",
      [p.id],
    );
    expect(row?.cost_micros).toBe(2345);
  });

  it("stores feedback values by type and exposures", async () => {
    const p = await createProject(db, { name: "feedback" });
    const request = logEvent();
    const rating = feedbackEvent(request.id, {
      name: "rating",
      kind: "explicit",
      value: 8,
      scale: { min: 0, max: 10 },
      comment: "good",
      userHash: "uh",
      metadata: { via: "widget" },
    });
    const thumbs = feedbackEvent(request.id, { name: "thumbs", kind: "explicit", value: false });
    const comment = feedbackEvent(request.id, { name: "comment", kind: "explicit", value: "meh" });
    const edited = feedbackEvent(request.id, { name: "edited", kind: "implicit", editRatio: 0.25 });
    const onConversation = feedbackEvent(request.id, {
      name: "task_succeeded",
      kind: "outcome",
      value: true,
      requestId: undefined,
      conversationId: "c-9",
      source: "api",
    });
    const exposure = exposureEvent("exp", "a", "unit-1", { metadata: { page: "home" } });
    const outcomes = await insertEvents(db, p.id, [
      request,
      rating,
      thumbs,
      comment,
      edited,
      onConversation,
      exposure,
    ]);
    expect(outcomes).toEqual(Array(7).fill("accepted"));
    const rows = await db.query<Record<string, unknown>>(
      `SELECT id, request_id, conversation_id, kind, name, value_number, value_bool, value_text,
              scale_min, scale_max, edit_ratio, comment, source, user_hash, metadata
       FROM feedback WHERE project_id = $1`,
      [p.id],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(rating.id)).toMatchObject({
      request_id: request.id,
      kind: "explicit",
      name: "rating",
      value_number: 8,
      value_bool: null,
      value_text: null,
      scale_min: 0,
      scale_max: 10,
      comment: "good",
      source: "user",
      user_hash: "uh",
      metadata: { via: "widget" },
    });
    expect(byId.get(thumbs.id)).toMatchObject({ value_bool: false, value_number: null });
    expect(byId.get(comment.id)).toMatchObject({ value_text: "meh" });
    expect(byId.get(edited.id)).toMatchObject({ edit_ratio: 0.25 });
    expect(byId.get(onConversation.id)).toMatchObject({
      request_id: null,
      conversation_id: "c-9",
      value_bool: true,
      source: "api",
    });
    const [exposureRow] = await db.query<Record<string, unknown>>(
      "SELECT experiment_key, variant, unit_hash, metadata FROM exposures WHERE project_id = $1",
      [p.id],
    );
    expect(exposureRow).toEqual({
      experiment_key: "exp",
      variant: "a",
      unit_hash: "unit-1",
      metadata: { page: "home" },
    });
  });

  it("answers duplicates within a batch and across batches, in input order", async () => {
    const p = await createProject(db, { name: "dups" });
    const a = logEvent();
    const b = logEvent();
    const fa = feedbackEvent(a.id, { name: "thumbs", kind: "explicit", value: true });
    const x = exposureEvent("exp", "a", "u1");
    expect(await insertEvents(db, p.id, [a, fa, a, x, b, x, fa])).toEqual([
      "accepted",
      "accepted",
      "duplicate",
      "accepted",
      "accepted",
      "duplicate",
      "duplicate",
    ]);
    const c = logEvent();
    expect(await insertEvents(db, p.id, [c, b, fa, x, a])).toEqual([
      "accepted",
      "duplicate",
      "duplicate",
      "duplicate",
      "duplicate",
    ]);
    expect(await countEvents(db, p.id)).toEqual({ requests: 3, feedback: 1, exposures: 1 });
    expect(await insertEvents(db, p.id, [])).toEqual([]);
  });

  it("stores a time of more than 6 fraction digits cut to microseconds, and answers it accepted", async () => {
    // timestamptz keeps microseconds (PostgreSQL docs, 8.5 "Date/Time Types"); the key is the
    // time to the millisecond, as Date.parse reads it (ECMA-262 Date Time String Format: ms).
    const p = await createProject(db, { name: "nanos" });
    const events = [
      logEvent({ timestamp: "2025-06-01T00:00:00.0009996Z" }),
      feedbackEvent(newEventId(), {
        name: "rating",
        kind: "explicit",
        value: 4,
        timestamp: "2025-06-01T00:00:00.9999999Z",
      }),
    ];
    expect(await insertEvents(db, p.id, events)).toEqual(["accepted", "accepted"]);
    expect(await insertEvents(db, p.id, events)).toEqual(["duplicate", "duplicate"]);
    const rows = await db.query<{ us: string }>(
      `SELECT (extract(epoch FROM ts) * 1000000)::bigint::text AS us FROM requests
       WHERE project_id = $1 UNION ALL
       SELECT (extract(epoch FROM ts) * 1000000)::bigint::text FROM feedback WHERE project_id = $1`,
      [p.id],
    );
    const second = Date.UTC(2025, 5, 1) * 1000;
    expect(rows.map((r) => Number(r.us)).sort((a, b) => a - b)).toEqual([
      second + 999,
      second + 999_999,
    ]);
  });

  it("keys idempotency by project, timestamp and id", async () => {
    const p = await createProject(db, { name: "key-a" });
    const q = await createProject(db, { name: "key-b" });
    const a = logEvent({ timestamp: "2025-06-01T00:00:00.000Z" });
    const sameIdLater = { ...a, timestamp: "2025-06-01T00:00:01.000Z" };
    expect(await insertEvents(db, p.id, [a, sameIdLater])).toEqual(["accepted", "accepted"]);
    // The same event in another project is that project's own event.
    expect(await insertEvents(db, q.id, [a])).toEqual(["accepted"]);
    // An offset timestamp naming the same instant is the same event.
    expect(
      await insertEvents(db, p.id, [{ ...a, timestamp: "2025-06-01T02:00:00.000+02:00" }]),
    ).toEqual(["duplicate"]);
  });

  it("accepts each event exactly once across concurrent overlapping batches", async () => {
    const p = await createProject(db, { name: "concurrent" });
    const events = Array.from({ length: 60 }, () => logEvent());
    const batches = [events.slice(0, 40), events.slice(20, 60), events.slice(10, 50)];
    const results = await Promise.all(batches.map((batch) => insertEvents(db, p.id, batch)));
    const accepted = results.flat().filter((r) => r === "accepted").length;
    expect(accepted).toBe(60);
    expect((await countEvents(db, p.id)).requests).toBe(60);
  });

  it("stores crossing batches concurrently: each one's feedback on the other's request", async () => {
    const p = await createProject(db, { name: "crossing" });
    const pairs = Array.from({ length: 8 }, () => {
      const a = logEvent({ promptVersion: "v1" });
      const b = logEvent({ promptVersion: "v1" });
      const thumbs = (r: typeof a) =>
        feedbackEvent(r.id, { name: "thumbs", kind: "explicit", value: true });
      return [
        [a, thumbs(b)],
        [b, thumbs(a)],
      ];
    });
    const results = await Promise.all(pairs.flat().map((batch) => insertEvents(db, p.id, batch)));
    expect(results.flat().every((r) => r === "accepted")).toBe(true);
    const [aggregate] = await versionAggregates(db, p.id);
    expect(aggregate).toMatchObject({ version: "v1", requests: 16, thumbs: 16, thumbsUp: 16 });
  });

  it("stores an event of any date: old, current and a day ahead", async () => {
    const p = await createProject(db, { name: "dates" });
    const events = [
      logEvent({ timestamp: "2020-01-01T00:00:00.000Z" }),
      logEvent(),
      logEvent({ timestamp: new Date(Date.now() + 23 * 3600_000).toISOString() }),
    ];
    expect(await insertEvents(db, p.id, events)).toEqual(["accepted", "accepted", "accepted"]);
  });

  // A deadlock needs two sessions: PostgreSQL only. The other session is a transaction of the
  // test that makes the victim certain: its own deadlock_timeout is 30 s against insertEvents'
  // default 1 s, so insertEvents' session runs the deadlock check and is the one aborted.
  it.runIf(driver === "postgres")(
    "runs a batch of requests again when PostgreSQL aborts it as a deadlock's victim",
    async () => {
      const p = await createProject(db, { name: "deadlock victim" });
      const [first, second] = [logEvent(), logEvent()];
      const row = (e: typeof first) => [p.id, e.timestamp, e.id];
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let other!: Promise<void>;
      const holding = new Promise<void>((held) => {
        other = db
          .transaction(async (tx) => {
            await tx.query("SET LOCAL deadlock_timeout = '30s'", []);
            // Holds `second`'s key uncommitted: the batch inserts `first`, then waits here.
            await tx.query(
              "INSERT INTO requests (project_id, ts, id) VALUES ($1, $2, $3)",
              row(second),
            );
            held();
            await lockWaits(db, 1);
            // Then waits for the batch's `first`: a cycle, found by the batch's session.
            await tx.query(
              "INSERT INTO requests (project_id, ts, id) VALUES ($1, $2, $3)",
              row(first),
            );
            await released;
            throw new Error("rolled back on purpose");
          })
          .catch(() => {});
      });
      await holding;
      const batch = insertEvents(db, p.id, [first, second]);
      // Aborted once (40P01), the batch runs again and waits for the other session's keys.
      await lockWaits(db, 2);
      release();
      await other;
      expect(await batch).toEqual(["accepted", "accepted"]);
      expect(await countEvents(db, p.id)).toMatchObject({ requests: 2 });
    },
    30_000,
  );

  it("rolls the whole batch back when one statement fails", async () => {
    const p = await createProject(db, { name: "rollback" });
    const good = logEvent();
    // A feedback kind the schema's CHECK refuses: the server validates first, so this only
    // happens on a bug, and then nothing of the batch may stay.
    const bad = feedbackEvent(good.id, { name: "thumbs", kind: "bogus" as "explicit" });
    await expect(insertEvents(db, p.id, [good, bad])).rejects.toThrow();
    expect(await countEvents(db, p.id)).toEqual({ requests: 0, feedback: 0, exposures: 0 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, type Database, insertEvents, listFeedback } from "./index.js";
import { feedbackEvent, logEvent } from "./test-events.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Expected values are the events each test writes, oldest first by (timestamp, id).

describe.each(await testDrivers())("listFeedback on %s", (driver) => {
  let db: Database;
  let project: string;
  let other: string;
  const at = (m: number) => new Date(Date.UTC(2025, 6, 1, 12, m)).toISOString();
  const request = logEvent({ timestamp: at(0), conversationId: "conv-1" });
  const rating = feedbackEvent(request.id, {
    name: "rating",
    kind: "explicit",
    value: 4,
    scale: { min: 1, max: 5 },
    comment: "clear",
    timestamp: at(2),
  });
  const succeeded = feedbackEvent(request.id, {
    name: "task_succeeded",
    kind: "outcome",
    value: true,
    source: "api",
    metadata: { ticket: "T-1" },
    timestamp: at(1),
  });
  const abandoned = {
    ...feedbackEvent(request.id, { name: "abandoned", kind: "implicit", timestamp: at(3) }),
    requestId: undefined,
    conversationId: "conv-1",
  };
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    project = (await createProject(db, { name: "feedback" })).id;
    other = (await createProject(db, { name: "other" })).id;
    await insertEvents(db, project, [request, rating, succeeded, abandoned]);
    // Another project's feedback on the same request id and conversation is never listed.
    await insertEvents(db, other, [
      feedbackEvent(request.id, { name: "thumbs", kind: "explicit", value: false }),
      { ...abandoned, id: logEvent().id },
    ]);
  });
  afterAll(() => db.close());

  it("lists a request's feedback oldest first, every field present", async () => {
    expect(await listFeedback(db, project, { requestId: request.id }, 10)).toEqual([
      {
        id: succeeded.id,
        timestamp: at(1),
        requestId: request.id,
        conversationId: null,
        kind: "outcome",
        name: "task_succeeded",
        value: true,
        scale: null,
        editRatio: null,
        comment: null,
        source: "api",
        userHash: null,
        metadata: { ticket: "T-1" },
      },
      {
        id: rating.id,
        timestamp: at(2),
        requestId: request.id,
        conversationId: null,
        kind: "explicit",
        name: "rating",
        value: 4,
        scale: { min: 1, max: 5 },
        editRatio: null,
        comment: "clear",
        source: "user",
        userHash: null,
        metadata: null,
      },
    ]);
  });

  it("lists a conversation's feedback, and stops at the limit", async () => {
    expect(
      (await listFeedback(db, project, { conversationId: "conv-1" }, 10)).map((f) => f.id),
    ).toEqual([abandoned.id]);
    expect(
      (await listFeedback(db, project, { requestId: request.id }, 1)).map((f) => f.name),
    ).toEqual(["task_succeeded"]);
    expect(await listFeedback(db, other, { conversationId: "nobody" }, 10)).toEqual([]);
  });

  it("refuses a target naming neither or both, a request id that is no UUID, and a bad limit", async () => {
    const refused = (promise: Promise<unknown>) =>
      expect(promise).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await refused(listFeedback(db, project, {}, 10));
    await refused(listFeedback(db, project, { requestId: request.id, conversationId: "c" }, 10));
    await refused(listFeedback(db, project, { requestId: "not-a-uuid" }, 10));
    await refused(listFeedback(db, project, { requestId: request.id }, 0));
    await refused(listFeedback(db, project, { requestId: request.id }, 1001));
    await refused(listFeedback(db, project, { requestId: request.id }, 2.5));
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, type Database, insertEvents, listRequests } from "./index.js";
import { feedbackEvent, logEvent } from "./test-events.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Expected values are the events each test writes; the order is newest first by (timestamp, id).

describe.each(await testDrivers())("listRequests on %s", (driver) => {
  let db: Database;
  let project: string;
  const minute = (m: number) => new Date(Date.UTC(2025, 6, 1, 12, m)).toISOString();
  const requests = Array.from({ length: 25 }, (_, i) =>
    logEvent({
      timestamp: minute(i),
      promptName: i % 2 === 0 ? "support" : "search",
      promptVersion: i % 3 === 0 ? "v1" : "v2",
      tags: i % 5 === 0 ? ["beta"] : [],
      input: `question ${i}`,
      output: `answer ${i}`,
    }),
  );
  // Two requests in the same millisecond: the id breaks the tie, and no page loses either.
  const twins = [
    logEvent({ timestamp: minute(30), promptName: "support" }),
    logEvent({ timestamp: minute(30), promptName: "support" }),
  ];
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    project = (await createProject(db, { name: "explorer" })).id;
    const other = (await createProject(db, { name: "other" })).id;
    await insertEvents(db, project, [...requests, ...twins]);
    await insertEvents(db, project, [
      feedbackEvent(requests[4]!.id, {
        name: "rating",
        kind: "explicit",
        value: 4,
        timestamp: minute(40),
      }),
      feedbackEvent(requests[4]!.id, {
        name: "comment",
        kind: "explicit",
        value: "clear",
        timestamp: minute(41),
      }),
      feedbackEvent(requests[7]!.id, {
        name: "thumbs",
        kind: "explicit",
        value: false,
        timestamp: minute(42),
      }),
    ]);
    await insertEvents(db, other, [logEvent({ timestamp: minute(5), promptName: "support" })]);
  });
  afterAll(() => db.close());

  it("pages through every request newest first, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listRequests(db, project, { limit: 4, cursor });
      seen.push(...page.requests.map((r) => r.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(7);
    const expected = [...requests, ...twins]
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id))
      .reverse()
      .map((r) => r.id);
    expect(seen).toEqual(expected);
  });

  it("returns the stored request with its feedback, oldest feedback first", async () => {
    const page = await listRequests(db, project, { limit: 10, hasFeedback: true });
    expect(page.requests.map((r) => r.id)).toEqual([requests[7]!.id, requests[4]!.id]);
    const r4 = page.requests[1]!;
    expect(r4).toMatchObject({
      type: "log",
      id: requests[4]!.id,
      timestamp: minute(4),
      promptName: "support",
      promptVersion: "v2",
      input: "question 4",
      output: "answer 4",
      status: "ok",
      tokensEstimated: false,
    });
    expect(r4.receivedAt).toBeInstanceOf(Date);
    expect(r4.feedback.map((f) => [f.name, f.value])).toEqual([
      ["rating", 4],
      ["comment", "clear"],
    ]);
    expect(page.nextCursor).toBeNull();
  });

  it("filters by prompt, version, time, tags and absence of feedback", async () => {
    const ids = async (options: Parameters<typeof listRequests>[2]) =>
      (await listRequests(db, project, options)).requests.map((r) => r.id);
    const pick = (f: (i: number) => boolean) =>
      requests
        .filter((_, i) => f(i))
        .map((r) => r.id)
        .reverse();
    expect(await ids({ limit: 100, promptName: "search", promptVersion: "v1" })).toEqual(
      pick((i) => i % 2 === 1 && i % 3 === 0),
    );
    expect(await ids({ limit: 100, from: new Date(minute(20)), to: new Date(minute(23)) })).toEqual(
      pick((i) => i >= 20 && i < 23),
    );
    expect(await ids({ limit: 100, tags: ["beta"] })).toEqual(pick((i) => i % 5 === 0));
    const without = await ids({ limit: 100, hasFeedback: false });
    expect(without).toHaveLength(25);
    expect(without).not.toContain(requests[4]!.id);
  });

  it("never shows another project's requests", async () => {
    const page = await listRequests(db, project, { limit: 1000 });
    expect(page.requests).toHaveLength(27);
    const other = await listRequests(db, "no-such-project", { limit: 10 });
    expect(other).toEqual({ requests: [], nextCursor: null });
  });

  it("refuses a bad limit or cursor with a code", async () => {
    await expect(listRequests(db, project, { limit: 0 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(listRequests(db, project, { limit: 1001 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    const made = (ts: string, id: string) =>
      Buffer.from(JSON.stringify([ts, id])).toString("base64url");
    for (const cursor of [
      "nonsense",
      // Well-formed JSON a client could craft: an id the uuid column cannot read, and a time
      // JavaScript reads but PostgreSQL's timestamptz cannot hold.
      made("2026-01-01T00:00:00.000000Z", "not-a-uuid"),
      made("-271821-04-20T00:00:00Z", "0190a0b0-0000-7000-8000-000000000000"),
    ]) {
      await expect(listRequests(db, project, { limit: 5, cursor })).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
    }
  });
});

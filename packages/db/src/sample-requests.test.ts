import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, type Database, insertEvents, sampleRequests } from "./index.js";
import { feedbackEvent, logEvent } from "./test-events.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Expected values follow from the events written below: 30 requests of v1, 6 of v2, 4 of v3,
// a shadow run and another project's requests that must never be drawn.

describe.each(await testDrivers())("sampleRequests on %s", (driver) => {
  let db: Database;
  let project: string;
  const v1 = Array.from({ length: 30 }, () =>
    logEvent({ promptName: "support", promptVersion: "v1" }),
  );
  const v2 = Array.from({ length: 6 }, () =>
    logEvent({ promptName: "support", promptVersion: "v2" }),
  );
  const v3 = Array.from({ length: 4 }, () =>
    logEvent({ promptName: "other", promptVersion: "v3" }),
  );
  const shadow = logEvent({ promptName: "support", promptVersion: "v2", shadowOf: v1[0]!.id });
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    project = (await createProject(db, { name: "samples" })).id;
    await insertEvents(db, project, [...v1, ...v2, ...v3, shadow]);
    await insertEvents(
      db,
      project,
      v2
        .slice(0, 3)
        .map((r) => feedbackEvent(r.id, { name: "thumbs", kind: "explicit", value: true })),
    );
    const other = (await createProject(db, { name: "other" })).id;
    await insertEvents(db, other, [logEvent({ promptName: "support", promptVersion: "v1" })]);
  });
  afterAll(() => db.close());

  const ids = (records: Array<{ id: string }>) => records.map((r) => r.id);

  it("draws distinct requests of the project, never shadow runs", async () => {
    const sample = await sampleRequests(db, project, { size: 100 });
    expect(new Set(ids(sample))).toEqual(new Set(ids([...v1, ...v2, ...v3])));
    const small = await sampleRequests(db, project, { size: 5, promptName: "support" });
    expect(small).toHaveLength(5);
    expect(new Set(ids(small)).size).toBe(5);
    for (const r of small) expect(r.promptName).toBe("support");
  });

  it("is repeatable with a seed and differs between seeds", async () => {
    const a = await sampleRequests(db, project, { size: 10, seed: "alpha" });
    const again = await sampleRequests(db, project, { size: 10, seed: "alpha" });
    const b = await sampleRequests(db, project, { size: 10, seed: "beta" });
    expect(ids(again)).toEqual(ids(a));
    expect(new Set(ids(b))).not.toEqual(new Set(ids(a)));
  });

  it("stratifies by version: up to size of each", async () => {
    const sample = await sampleRequests(db, project, { size: 5, stratifyByVersion: true });
    const perVersion = new Map<string, number>();
    for (const r of sample)
      perVersion.set(r.promptVersion!, (perVersion.get(r.promptVersion!) ?? 0) + 1);
    expect(Object.fromEntries(perVersion)).toEqual({ v1: 5, v2: 5, v3: 4 });
  });

  it("filters by versions and feedback, and brings the feedback along", async () => {
    const only = await sampleRequests(db, project, { size: 50, versions: ["v2", "v3"] });
    expect(new Set(ids(only))).toEqual(new Set(ids([...v2, ...v3])));
    const rated = await sampleRequests(db, project, { size: 50, withFeedback: true });
    expect(new Set(ids(rated))).toEqual(new Set(ids(v2.slice(0, 3))));
    for (const r of rated) expect(r.feedback.map((f) => f.name)).toEqual(["thumbs"]);
    const unrated = await sampleRequests(db, project, { size: 50, withFeedback: false });
    expect(unrated).toHaveLength(37);
  });

  it("refuses a bad size with a code", async () => {
    await expect(sampleRequests(db, project, { size: 0 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });
});

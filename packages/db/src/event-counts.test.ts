import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countEvents,
  createProject,
  type Database,
  exposureCounts,
  insertEvents,
} from "./index.js";
import { exposureEvent, feedbackEvent, logEvent } from "./test-events.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Expected values are counted by hand from the events each test writes.

describe.each(await testDrivers())("exposureCounts and countEvents on %s", (driver) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
  });
  afterAll(() => db.close());

  it("counts distinct units per variant of one experiment, per project", async () => {
    const p = (await createProject(db, { name: "p" })).id;
    const q = (await createProject(db, { name: "q" })).id;
    await insertEvents(db, p, [
      exposureEvent("exp", "control", "u1"),
      exposureEvent("exp", "control", "u1"), // same unit again: still one unit
      exposureEvent("exp", "control", "u2"),
      exposureEvent("exp", "treatment", "u3"),
      exposureEvent("other-exp", "control", "u4"),
    ]);
    await insertEvents(db, q, [exposureEvent("exp", "control", "u9")]);
    expect(await exposureCounts(db, p, "exp")).toEqual([
      { variant: "control", units: 2 },
      { variant: "treatment", units: 1 },
    ]);
    expect(await exposureCounts(db, q, "exp")).toEqual([{ variant: "control", units: 1 }]);
    expect(await exposureCounts(db, p, "missing")).toEqual([]);
  });

  it("counts a project's stored events by table", async () => {
    const p = (await createProject(db, { name: "counts" })).id;
    const q = (await createProject(db, { name: "counts-other" })).id;
    const r = logEvent();
    await insertEvents(db, p, [
      r,
      logEvent({ timestamp: "2021-02-03T04:05:06.000Z" }),
      feedbackEvent(r.id, { name: "thumbs", kind: "explicit", value: true }),
      exposureEvent("e", "a", "u"),
    ]);
    await insertEvents(db, q, [logEvent()]);
    expect(await countEvents(db, p)).toEqual({ requests: 2, feedback: 1, exposures: 1 });
    expect(await countEvents(db, q)).toEqual({ requests: 1, feedback: 0, exposures: 0 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, type Database, insertEvents, shadowComparisons } from "./index.js";
import { logEvent } from "./test-events.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Expected values are hand-computed from the events below (see each assertion).

describe.each(await testDrivers())("shadowComparisons on %s", (driver) => {
  let db: Database;
  let project: string;
  let other: string;
  const faq = (version: string, fields: Parameters<typeof logEvent>[0]) =>
    logEvent({ promptName: "faq", promptVersion: version, ...fields });
  const primaries = [
    faq("v1", { latencyMs: 400, costMicros: 1000 }),
    faq("v1", { latencyMs: 600, costMicros: 3000 }),
    faq("v1", { latencyMs: 500, costMicros: 2000, status: "error", errorMessage: "timeout" }),
  ];
  const shadows = [
    faq("v2", { latencyMs: 300, costMicros: 2000, shadowOf: primaries[0]!.id }),
    faq("v2", {
      latencyMs: 700,
      costMicros: 2000,
      shadowOf: primaries[1]!.id,
      status: "error",
      errorMessage: "boom",
    }),
    faq("v2", { latencyMs: 500, costMicros: 4000, shadowOf: primaries[2]!.id }),
    // Its primary was never logged: counted, not paired.
    faq("v2", { latencyMs: 100, shadowOf: logEvent().id }),
    // A shadow naming no version, of another prompt.
    logEvent({ promptName: "search", latencyMs: 50, shadowOf: primaries[0]!.id }),
  ];
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    project = (await createProject(db, { name: "shadows" })).id;
    other = (await createProject(db, { name: "other" })).id;
    await insertEvents(db, project, [...primaries, ...shadows]);
    // Another project's shadow of this project's primary: neither counted here nor paired there.
    await insertEvents(db, other, [faq("v2", { latencyMs: 1, shadowOf: primaries[0]!.id })]);
  });
  afterAll(() => db.close());

  it("pairs each candidate's shadows with their primaries and averages both sides", async () => {
    const [v2, ...rest] = await shadowComparisons(db, project, { promptName: "faq" });
    expect(rest).toEqual([]);
    // Over the three pairs: latency (300−400 + 700−600 + 500−500)/3 = 0; cost in micros
    // (2000−1000 + 2000−3000 + 4000−2000)/3 = 2000/3; one error on each side of 3 pairs.
    expect(v2).toMatchObject({
      promptName: "faq",
      candidateVersion: "v2",
      shadows: 4,
      paired: 3,
      candidateErrorRate: 1 / 3,
      primaryErrorRate: 1 / 3,
      candidateMeanLatencyMs: 500,
      primaryMeanLatencyMs: 500,
      meanLatencyDiffMs: 0,
      primaryMeanCostMicros: 2000,
    });
    expect(v2!.candidateMeanCostMicros).toBeCloseTo(8000 / 3, 9);
    expect(v2!.meanCostDiffMicros).toBeCloseTo(2000 / 3, 9);
  });

  it("filters by prompt and version, names a missing version (none), and keeps projects apart", async () => {
    expect(
      (await shadowComparisons(db, project)).map((c) => [c.promptName, c.candidateVersion]),
    ).toEqual([
      ["faq", "v2"],
      ["search", "(none)"],
    ]);
    expect(await shadowComparisons(db, project, { candidateVersion: "v9" })).toEqual([]);
    const [theirs] = await shadowComparisons(db, other);
    expect(theirs).toMatchObject({ shadows: 1, paired: 0, candidateErrorRate: null });
  });
});

import { ExperimentConfig } from "@loopkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createExperiment,
  createProject,
  type Database,
  getFirstDecision,
  recordFirstDecision,
} from "./index.js";
import { openTestDatabase, testDrivers } from "./testing.js";

const config = ExperimentConfig.parse({
  key: "checkout-copy",
  variants: [{ key: "control" }, { key: "treatment" }],
  status: "running",
});

describe.each(await testDrivers())("first experiment decisions on %s", (driver) => {
  let db: Database;
  let project: string;
  let other: string;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    project = (await createProject(db, { name: "decisions" })).id;
    other = (await createProject(db, { name: "other" })).id;
    await createExperiment(db, project, config);
    await createExperiment(db, other, config);
  });
  afterAll(() => db.close());

  const decision = (verdict: "ship_variant" | "stop", winner: string | null) => ({
    experimentKey: config.key,
    decision: verdict,
    winner,
    reasons: [`${verdict} because of the data`],
    settings: { alpha: 0.05, sequential: true },
    analysis: { decision: verdict, winner },
  });

  it("keeps the first decision: a later, different one does not replace it", async () => {
    expect(await getFirstDecision(db, project, config.key)).toBeNull();
    const first = await recordFirstDecision(db, project, decision("ship_variant", "treatment"));
    expect(first).toMatchObject({ decision: "ship_variant", winner: "treatment" });
    expect(first.decidedAt).toBeInstanceOf(Date);
    const later = await recordFirstDecision(db, project, decision("stop", null));
    expect(later).toEqual(first);
    expect(await getFirstDecision(db, project, config.key)).toEqual(first);
  });

  it("agrees under concurrent looks, and keeps projects apart", async () => {
    const looks = await Promise.all(
      [decision("stop", null), decision("ship_variant", "treatment"), decision("stop", null)].map(
        (d) => recordFirstDecision(db, other, d),
      ),
    );
    expect(new Set(looks.map((l) => JSON.stringify(l))).size).toBe(1);
    // The other project's decision is its own; this project's first decision is unchanged.
    expect((await getFirstDecision(db, project, config.key))?.decision).toBe("ship_variant");
    expect(await getFirstDecision(db, "no-such-project", config.key)).toBeNull();
  });

  it("refuses a decision for an experiment the project does not have", async () => {
    await expect(
      recordFirstDecision(db, project, { ...decision("stop", null), experimentKey: "nope" }),
    ).rejects.toMatchObject({ code: "23503" });
  });
});

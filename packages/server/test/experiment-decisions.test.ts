/**
 * experiments.analyze keeps the first decision a sequential look reaches: a later look that
 * alone reads differently reports it, with when it was reached, instead of flipping silently.
 */
import { testDrivers } from "@loopkit/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";
import { exposureEvent } from "./events.js";

describe.each(await testDrivers())("experiments.analyze first decisions on %s", (driver) => {
  let server: TestServer;
  let key: string;
  beforeAll(async () => {
    server = await startTestServer(driver);
    key = server.a.secretKey;
  });
  afterAll(() => server?.close());

  async function startExperiment(experimentKey: string) {
    const variants = [{ key: "a" }, { key: "b" }];
    expect(
      (await server.mutate("experiments.create", { key: experimentKey, variants }, key)).status,
    ).toBe(200);
    expect((await server.mutate("experiments.start", { key: experimentKey }, key)).status).toBe(
      200,
    );
  }

  async function expose(experimentKey: string, variant: string, from: number, units: number) {
    const events = Array.from({ length: units }, (_, i) =>
      exposureEvent({ experimentKey, variant, unitId: `${variant}-${from + i}` }),
    );
    const { body } = await server.mutate("ingest.batch", { events }, server.a.publicKey);
    expect(body.result.data.accepted).toBe(units);
  }

  const analyze = async (input: Record<string, unknown>) => {
    const { status, body } = await server.query("experiments.analyze", input, key);
    expect(status).toBe(200);
    return body.result.data;
  };

  it("keeps a sequential stop when a later look alone would keep running", async () => {
    await startExperiment("split-broken");
    // 300 units to a and 100 to b under a 50/50 split: a sample ratio mismatch, so stop.
    await expose("split-broken", "a", 0, 300);
    await expose("split-broken", "b", 0, 100);
    const first = await analyze({ key: "split-broken" });
    expect(first.analysis.decision).toBe("stop");
    expect(first.decision).toMatchObject({ decision: "stop", currentLook: "stop" });
    expect(Date.parse(first.decision.reachedAt)).not.toBeNaN();

    // b catches up to 300 units: this look alone sees no mismatch and would keep running.
    await expose("split-broken", "b", 100, 200);
    const later = await analyze({ key: "split-broken" });
    expect(later.analysis.srm.mismatch).toBe(false);
    expect(later.analysis.decision).toBe("keep_running");
    expect(later.decision).toMatchObject({
      decision: "stop",
      winner: null,
      reachedAt: first.decision.reachedAt,
      currentLook: "keep_running",
    });
    expect(later.decision.reasons.at(-1)).toContain("this look alone reads keep_running");
  });

  it("stores no decision from a fixed-horizon reading", async () => {
    await startExperiment("fixed-look");
    await expose("fixed-look", "a", 0, 300);
    await expose("fixed-look", "b", 0, 100);
    const fixed = await analyze({ key: "fixed-look", sequential: false });
    expect(fixed.analysis.decision).toBe("stop");
    expect(fixed.decision).toMatchObject({ decision: "stop", reachedAt: null });
    await expose("fixed-look", "b", 100, 200);
    const later = await analyze({ key: "fixed-look" });
    expect(later.decision).toMatchObject({ decision: "keep_running", reachedAt: null });
  });

  it("stores no decision while the experiment is a draft: it was never run", async () => {
    const variants = [{ key: "a" }, { key: "b" }];
    await server.mutate("experiments.create", { key: "not-started", variants }, key);
    // Exposures under its key before it starts (a stray client): 300 against 100, a mismatch.
    await expose("not-started", "a", 0, 300);
    await expose("not-started", "b", 0, 100);
    const draft = await analyze({ key: "not-started" });
    expect(draft.experiment.status).toBe("draft");
    expect(draft.analysis.decision).toBe("stop");
    expect(draft.decision).toMatchObject({ decision: "stop", reachedAt: null });

    expect((await server.mutate("experiments.start", { key: "not-started" }, key)).status).toBe(
      200,
    );
    await expose("not-started", "b", 100, 200);
    const running = await analyze({ key: "not-started" });
    expect(running.decision).toMatchObject({ decision: "keep_running", reachedAt: null });
  });

  it("answers keep_running, with nothing stored, for an experiment without data or without requests", async () => {
    await startExperiment("empty");
    const empty = await analyze({ key: "empty", mde: 0.1 });
    expect(empty.exposures).toEqual([]);
    // srmTest: no units observed gives no p-value and no mismatch.
    expect(empty.analysis.srm).toMatchObject({ pValue: null, mismatch: false });
    expect(empty.analysis.variants[0].primary.verdict).toBe("missing");
    expect(empty.analysis.sampleSize).toBeNull();
    expect(empty.decision).toMatchObject({ decision: "keep_running", reachedAt: null });

    // Exposures in the configured 50/50 split but no request yet: still nothing to decide on.
    await expose("empty", "a", 0, 20);
    await expose("empty", "b", 0, 20);
    const exposed = await analyze({ key: "empty" });
    expect(exposed.analysis.srm).toMatchObject({ chiSquare: 0, mismatch: false });
    expect(exposed.decision).toMatchObject({ decision: "keep_running", reachedAt: null });
    const stored = await server.db.query(
      "SELECT 1 FROM experiment_decisions WHERE project_id = $1 AND experiment_key = 'empty'",
      [server.a.id],
    );
    expect(stored).toEqual([]);
  });

  it("keeps each project's decisions to itself", async () => {
    const { status } = await server.query(
      "experiments.analyze",
      { key: "split-broken" },
      server.b.secretKey,
    );
    expect(status).toBe(404);
  });
});

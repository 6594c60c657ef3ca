import { testDrivers } from "@loopkit/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";
import { exposureEvent, feedbackEvent, logEvent } from "./events.js";

const checkout = {
  key: "checkout-copy",
  promptName: "support",
  variants: [
    { key: "control", promptVersion: "v1", weight: 0.75 },
    { key: "treatment", promptVersion: "v2", weight: 0.25 },
  ],
  coverage: 0.5,
};

describe.each(await testDrivers())("experiments on %s", (driver) => {
  let server: TestServer;
  let key: string;
  beforeAll(async () => {
    server = await startTestServer(driver);
    key = server.a.secretKey;
  });
  afterAll(() => server?.close());

  it("creates an experiment as a draft and lists and gets it", async () => {
    const created = await server.mutate(
      "experiments.create",
      { ...checkout, status: "running" },
      key,
    );
    expect(created.status).toBe(200);
    expect(created.body.result.data).toMatchObject({ key: "checkout-copy", status: "draft" });
    expect((await server.mutate("experiments.create", checkout, key)).status).toBe(409);
    const listed = await server.query("experiments.list", { status: "draft" }, key);
    expect(listed.body.result.data.map((e: { key: string }) => e.key)).toEqual(["checkout-copy"]);
    const got = await server.query("experiments.get", { key: "checkout-copy" }, key);
    expect(got.body.result.data.config.variants).toHaveLength(2);
    expect((await server.query("experiments.get", { key: "nope" }, key)).status).toBe(404);
  });

  it("refuses weights that do not add up to 1, naming the field", async () => {
    const bad = await server.mutate(
      "experiments.create",
      {
        key: "bad",
        variants: [
          { key: "a", weight: 0.7 },
          { key: "b", weight: 0.7 },
        ],
      },
      key,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.data.issues).toEqual([
      { path: "variants", message: expect.stringContaining("add up to 1") },
    ]);
  });

  it("refuses two variants with the same key, which exposures and requests could not tell apart", async () => {
    const bad = await server.mutate(
      "experiments.create",
      { key: "twins", variants: [{ key: "a" }, { key: "a" }] },
      key,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.data.issues).toEqual([
      { path: "variants", message: expect.stringContaining('"a"') },
    ]);
  });

  it("serves running experiments' assignment configs to the public key, with an etag", async () => {
    const before = await server.query("experiments.config", {}, server.a.publicKey);
    expect(before.status).toBe(200);
    expect(before.body.result.data.experiments).toEqual([]);

    const started = await server.mutate(
      "experiments.start",
      { key: "checkout-copy", actor: "Ada" },
      key,
    );
    expect(started.body.result.data.status).toBe("running");
    expect((await server.mutate("experiments.start", { key: "checkout-copy" }, key)).status).toBe(
      409,
    );

    const config = await server.query("experiments.config", undefined, server.a.publicKey);
    const data = config.body.result.data;
    expect(data.notModified).toBe(false);
    expect(data.experiments).toEqual([
      {
        key: "checkout-copy",
        seed: "checkout-copy",
        variants: ["control", "treatment"],
        weights: [0.75, 0.25],
        coverage: 0.5,
        promptVersions: { control: "v1", treatment: "v2" },
        promptName: "support",
      },
    ]);
    expect(data.etag).not.toBe(before.body.result.data.etag);
    expect(config.headers.get("access-control-allow-origin")).toBeNull();

    const same = await server.query(
      "experiments.config",
      { ifNoneMatch: data.etag },
      server.a.publicKey,
    );
    expect(same.body.result.data).toEqual({ notModified: true, etag: data.etag });
  });

  it("analyzes the experiment from logged variants and exposures with the configured weights", async () => {
    const events: unknown[] = [];
    // control: 30 units, 15 successes; treatment: 10 units, 8 successes.
    for (const [variant, n, wins] of [
      ["control", 30, 15],
      ["treatment", 10, 8],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const unitId = `${variant}-user-${i}`;
        const log = logEvent({ experimentKey: "checkout-copy", variant, userId: unitId });
        events.push(
          exposureEvent({ experimentKey: "checkout-copy", variant, unitId }),
          log,
          feedbackEvent(log.id, { value: i < wins }),
        );
      }
    }
    const ingest = await server.mutate("ingest.batch", { events }, server.a.publicKey);
    expect(ingest.body.result.data.accepted).toBe(120);

    const { status, body } = await server.query(
      "experiments.analyze",
      { key: "checkout-copy", mde: 0.1 },
      key,
    );
    expect(status).toBe(200);
    const { analysis, exposures } = body.result.data;
    expect(exposures).toEqual([
      { variant: "control", units: 30 },
      { variant: "treatment", units: 10 },
    ]);
    // SRM against 0.75/0.25: expected 30 and 10 units, so χ² = 0 (equal weights would give 10).
    expect(analysis.srm).toMatchObject({ chiSquare: 0, expected: [30, 10], mismatch: false });
    expect(analysis.control).toBe("control");
    expect(analysis.primaryMetric).toBe("taskSuccessRate");
    expect(analysis.sequential).toBe(true);
    const treatment = analysis.variants[0];
    expect(treatment.variant).toBe("treatment");
    expect(treatment.primary.controlValue).toBeCloseTo(15 / 30, 12);
    expect(treatment.primary.value).toBeCloseTo(8 / 10, 12);
    expect(treatment.primary.difference).toBeCloseTo(0.3, 12);
    expect(analysis.sampleSize).not.toBeNull();
  });

  it("stops a running experiment, which leaves the config, and audits start and stop", async () => {
    const stopped = await server.mutate("experiments.stop", { key: "checkout-copy" }, key);
    expect(stopped.body.result.data.status).toBe("stopped");
    const config = await server.query("experiments.config", {}, server.a.publicKey);
    expect(config.body.result.data.experiments).toEqual([]);
    const audit = await server.db.query<{ action: string; actor: string }>(
      "SELECT action, actor FROM audit_log WHERE project_id = $1 AND subject_key = $2 ORDER BY id",
      [server.a.id, "checkout-copy"],
    );
    expect(audit.map((a) => a.action)).toEqual([
      "experiment.create",
      "experiment.start",
      "experiment.stop",
    ]);
    expect(audit[1]!.actor).toBe("Ada");
  });

  it("gives the same etag from any server process for the same experiments", async () => {
    const other = await startTestServer(driver);
    try {
      const body = { ...checkout, key: "same-etag" };
      for (const s of [server, other]) {
        await s.mutate("experiments.create", body, s.b.secretKey);
        await s.mutate("experiments.start", { key: "same-etag" }, s.b.secretKey);
      }
      const a = await server.query("experiments.config", {}, server.b.publicKey);
      const b = await other.query("experiments.config", {}, other.b.publicKey);
      expect(a.body.result.data.etag).toBe(b.body.result.data.etag);
    } finally {
      await other.close();
    }
  });
});

/**
 * `createExperiments` against a real server (PGlite): configs read with the public key through
 * `experiments.config`, assignment equal to core's `assignVariant` on the same config (the
 * server's answer), one exposure per unit stored and counted by `experiments.analyze`, etag
 * refreshes, and the documented `null` fallback whenever configs are unavailable.
 */
import { assignVariant } from "@loopkit/core";
import { startTestServer, type TestServer } from "@loopkit/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExperiments } from "../src/experiments.js";
import { createApiClient, createLoopkit, type FetchLike } from "../src/index.js";

/** A fetch that records each `experiments.config` call: its input and whether it was notModified. */
function configRecorder() {
  const calls: Array<{ input: unknown; notModified: boolean | undefined; status: number }> = [];
  const fetchFn: FetchLike = async (url, init) => {
    const response = await fetch(url, init);
    if (url.includes("/trpc/experiments.config")) {
      const input = new URL(url).searchParams.get("input");
      const body = (await response.clone().json()) as {
        result?: { data?: { notModified?: boolean } };
      };
      calls.push({
        input: input === null ? undefined : JSON.parse(input),
        notModified: body.result?.data?.notModified,
        status: response.status,
      });
    }
    return response;
  };
  return { calls, fetch: fetchFn };
}

describe("createExperiments against a real server", () => {
  let server: TestServer;
  let admin: ReturnType<typeof createApiClient>;
  beforeAll(async () => {
    server = await startTestServer("pglite");
    admin = createApiClient({ baseUrl: server.url, apiKey: server.a.secretKey });
    await admin.mutate("experiments.create", {
      key: "checkout-copy",
      promptName: "checkout",
      variants: [
        { key: "control", promptVersion: "v1", weight: 0.5 },
        { key: "friendly", promptVersion: "v2", weight: 0.5 },
      ],
      coverage: 0.8,
    });
    await admin.mutate("experiments.start", { key: "checkout-copy" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("assigns as core's assignVariant does, logs one exposure per unit, and analyze counts them", async () => {
    const loopkit = createLoopkit({ baseUrl: server.url, apiKey: server.a.publicKey });
    const experiments = createExperiments(loopkit);
    expect(experiments.variant("checkout-copy", "user-0")).toEqual({
      variant: null,
      promptVersion: null,
    }); // nothing loaded yet: the fallback, without waiting
    await experiments.load();

    const { experiments: configs } = (await admin.query("experiments.config")) as {
      experiments: Array<Parameters<typeof assignVariant>[0]>;
    };
    const config = configs.find((c) => c.key === "checkout-copy")!;
    const counts: Record<string, number> = { control: 0, friendly: 0, none: 0 };
    for (let i = 0; i < 400; i++) {
      const unit = `user-${i}`;
      const got = experiments.variant("checkout-copy", unit);
      expect(experiments.variant("checkout-copy", unit)).toEqual(got); // stable
      const expected = assignVariant(config, unit);
      expect(got.variant).toBe(expected.inExperiment ? expected.variant : null);
      expect(got.promptVersion).toBe(
        got.variant === null ? null : { control: "v1", friendly: "v2" }[got.variant],
      );
      counts[got.variant ?? "none"]!++;
    }
    // 80% coverage, 50/50: about 160 each and 80 outside (±4 standard deviations).
    expect(counts.none).toBeGreaterThan(80 - 4 * 8);
    expect(counts.none).toBeLessThan(80 + 4 * 8);
    await loopkit.shutdown();

    const exposures = await server.db.query<{ variant: string; n: number; units: number }>(
      `SELECT variant, count(*)::int AS n, count(DISTINCT unit_hash)::int AS units
       FROM exposures WHERE project_id = $1 AND experiment_key = 'checkout-copy' GROUP BY variant`,
      [server.a.id],
    );
    expect(Object.fromEntries(exposures.map((e) => [e.variant, e.n]))).toEqual({
      control: counts.control,
      friendly: counts.friendly,
    });
    for (const e of exposures) expect(e.units).toBe(e.n); // once per unit, though asked twice
    const analysis = await admin.query("experiments.analyze", { key: "checkout-copy" });
    expect(Object.fromEntries(analysis.exposures.map((e) => [e.variant, e.units]))).toEqual({
      control: counts.control,
      friendly: counts.friendly,
    });
  });

  it("refreshes in the background with the last etag, and stops assigning a stopped experiment", async () => {
    const { calls, fetch } = configRecorder();
    const loopkit = createLoopkit({ baseUrl: server.url, apiKey: server.a.publicKey, fetch });
    const experiments = createExperiments(loopkit, { refreshMs: 0 });
    await experiments.load();
    expect(calls).toEqual([{ input: undefined, notModified: false, status: 200 }]);
    const etag = ((await admin.query("experiments.config")) as { etag: string }).etag;

    await experiments.load(); // unchanged: answered notModified, configs kept
    expect(calls[1]).toEqual({ input: { ifNoneMatch: etag }, notModified: true, status: 200 });
    const unit = Array.from({ length: 50 }, (_, i) => `refresh-${i}`).find(
      (u) => experiments.variant("checkout-copy", u).variant !== null,
    )!;

    await admin.mutate("experiments.create", {
      key: "other",
      variants: [{ key: "a" }, { key: "b" }],
    });
    await admin.mutate("experiments.start", { key: "other" });
    await admin.mutate("experiments.stop", { key: "checkout-copy" });
    // refreshMs 0: this call answers from the cache and starts a refresh.
    expect(experiments.variant("checkout-copy", unit).variant).not.toBeNull();
    await experiments.load();
    expect(calls.at(-1)).toMatchObject({ input: { ifNoneMatch: etag }, notModified: false });
    expect(experiments.variant("checkout-copy", unit)).toEqual({
      variant: null,
      promptVersion: null,
    });
    expect(experiments.variant("other", unit).variant).toMatch(/^[ab]$/);
    await loopkit.shutdown();
  });

  it("falls back to null without throwing when configs cannot be loaded, and says why", async () => {
    const errors: Error[] = [];
    const badKey = createLoopkit({ baseUrl: server.url, apiKey: `lk_pub_${"z".repeat(43)}` });
    const refused = createExperiments(badKey, { onError: (e) => errors.push(e) });
    await refused.load();
    expect(refused.variant("other", "user-1")).toEqual({ variant: null, promptVersion: null });
    expect(errors[0]).toMatchObject({ code: "UNAUTHORIZED", status: 401 });

    const nowhere = createLoopkit({ baseUrl: "http://127.0.0.1:9", apiKey: server.a.publicKey });
    const offline = createExperiments(nowhere, { onError: (e) => errors.push(e) });
    await offline.load();
    expect(offline.variant("other", "user-1")).toEqual({ variant: null, promptVersion: null });
    expect(errors[1]).toMatchObject({ code: "NETWORK_ERROR", status: 0 });
    await badKey.shutdown();
    await nowhere.shutdown();
  });

  it("answers null for an experiment that is not running, logging nothing", async () => {
    const loopkit = createLoopkit({ baseUrl: server.url, apiKey: server.b.publicKey });
    const experiments = createExperiments(loopkit);
    await experiments.load(); // project B has no experiments; A's are never visible to it
    expect(experiments.variant("other", "user-1")).toEqual({ variant: null, promptVersion: null });
    await loopkit.shutdown();
    expect(loopkit.stats().queued).toBe(0);
  });
});

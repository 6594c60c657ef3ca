/**
 * Unit tests of `createExperiments`' bookkeeping over an in-process stand-in for the client
 * (its `api.query` answers a fixed `experiments.config`, its `exposure` records); assignment and
 * delivery against the real server are in `test/experiments.test.ts`.
 */
import { describe, expect, it } from "vitest";
import type { Loopkit } from "./client.js";
import { createExperiments } from "./experiments.js";

function standIn(weights: number[]) {
  const exposures: Array<{ variant: string; unitId: string }> = [];
  const answer = () => ({
    notModified: false,
    etag: `"${weights.join()}"`,
    experiments: [
      {
        key: "exp",
        seed: "exp",
        variants: ["a", "b"],
        weights: [...weights],
        coverage: 1,
        promptVersions: {},
        promptName: null,
      },
    ],
  });
  const loopkit = {
    api: { query: async () => answer() },
    exposure: (event: { variant: string; unitId: string }) => {
      exposures.push(event);
      return "id";
    },
  } as unknown as Loopkit;
  return { loopkit, exposures, setWeights: (w: number[]) => weights.splice(0, 2, ...w) };
}

describe("createExperiments exposures", () => {
  it("remembers the last 10,000 exposures: an older unit is logged again, a recent one is not", async () => {
    const { loopkit, exposures } = standIn([0.5, 0.5]);
    const experiments = createExperiments(loopkit);
    await experiments.load();
    for (let i = 0; i <= 10_000; i++) experiments.variant("exp", `unit-${i}`);
    expect(exposures).toHaveLength(10_001);
    experiments.variant("exp", "unit-10000");
    expect(exposures).toHaveLength(10_001);
    experiments.variant("exp", "unit-0"); // forgotten to make room for unit-10000
    expect(exposures).toHaveLength(10_002);
  });

  it("logs a unit again when new weights move it to another variant", async () => {
    const { loopkit, exposures, setWeights } = standIn([1, 0]);
    const experiments = createExperiments(loopkit);
    await experiments.load();
    expect(experiments.variant("exp", "u").variant).toBe("a");
    setWeights([0, 1]);
    await experiments.load();
    expect(experiments.variant("exp", "u").variant).toBe("b");
    expect(exposures.map((e) => e.variant)).toEqual(["a", "b"]);
  });

  it("keeps a throwing onError from turning a failed refresh into an unhandled rejection", async () => {
    const loopkit = {
      api: { query: async () => Promise.reject(new Error("offline")) },
    } as unknown as Loopkit;
    const experiments = createExperiments(loopkit, {
      onError: () => {
        throw new Error("callback bug");
      },
    });
    await expect(experiments.load()).resolves.toBeUndefined();
    expect(experiments.variant("exp", "u")).toEqual({ variant: null, promptVersion: null });
  });
});

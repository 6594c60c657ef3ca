import { describe, expect, it } from "vitest";
import { type CpuProfile, summarizeProfile } from "./profile-summary.js";

// A hand-made profile in the format `node --cpu-prof` writes: a call tree of nodes, then the
// sampled node ids and the microseconds before each sample.
const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
  id,
  callFrame: { functionName, url, lineNumber: 9 },
  children,
});
const profile: CpuProfile = {
  nodes: [
    frame(1, "(root)", "", [2, 3, 4, 7, 8]),
    frame(2, "compileSourceTextModule", "node:internal/modules/esm/utils"),
    frame(3, "(garbage collector)", ""),
    frame(4, "ingestBatch", "file:///repo/packages/server/dist/chunk.js", [5, 6]),
    frame(5, "validateEvents", "file:///repo/packages/server/dist/chunk.js", [9]),
    frame(6, "insertInto", "file:///repo/packages/db/dist/index.js"),
    frame(7, "(idle)", ""),
    frame(8, "writev", ""),
    frame(9, "parse", "file:///repo/node_modules/.pnpm/zod@4/node_modules/zod/v4/core/parse.js"),
  ],
  // start-up (2) before the first ingestBatch sample and after the last one is left out
  samples: [2, 2, 5, 9, 3, 7, 8, 6, 2],
  timeDeltas: [1000, 1000, 1000, 3000, 2000, 5000, 1000, 4000, 1000],
};

describe("summarizeProfile", () => {
  it("keeps the ingestion window and splits its busy time by stage and by function", () => {
    const summary = summarizeProfile(profile, { top: 3 });
    // samples 3..8: 1 + 3 + 2 + 5 + 1 + 4 ms, of which 5 idle
    expect(summary.windowMs).toBe(16);
    expect(summary.busyMs).toBe(11);
    expect(summary.stages).toEqual([
      { name: "validation (zod)", ms: 4, percent: (100 * 4) / 11 },
      { name: "database (parameters, pg, socket)", ms: 4, percent: (100 * 4) / 11 },
      { name: "garbage collection", ms: 2, percent: (100 * 2) / 11 },
      { name: "other", ms: 1, percent: 100 / 11 },
    ]);
    expect(summary.topSelf.map((s) => [s.name, s.ms])).toEqual([
      ["insertInto packages/db/dist/index.js:10", 4],
      ["parse zod/v4/core/parse.js:10", 3],
      ["(garbage collector)", 2],
    ]);
  });

  it("files a library's frames under its stage without a Loopkit function above them", () => {
    const summary = summarizeProfile({
      ...profile,
      // zod called straight from ingestBatch, as tRPC's input parser is
      nodes: profile.nodes.map((n) =>
        n.id === 4 ? { ...n, children: [9, 6] } : n.id === 5 ? { ...n, children: [] } : n,
      ),
      samples: [9, 6],
      timeDeltas: [1000, 1000],
    });
    expect(summary.stages.map((s) => s.name).sort()).toEqual([
      "database (parameters, pg, socket)",
      "validation (zod)",
    ]);
  });

  it("says so when no sample is inside ingestBatch", () => {
    expect(() => summarizeProfile({ ...profile, samples: [2, 3] })).toThrow(
      /no sample has ingestBatch/,
    );
  });
});

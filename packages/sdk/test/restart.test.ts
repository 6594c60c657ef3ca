/**
 * The restart test of issue 6: 10,000 events sent while the server (real router, PGlite in a
 * data folder) is stopped in the middle, with its open connections dropped, and started again
 * on the same folder. Every event must be stored exactly once (ids compared one by one), and a
 * rejected event must not hold back the others.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "@loopkit/db";
import { afterAll, describe, expect, it } from "vitest";
import { createLoopkit, type DeliveryError } from "../src/index.js";
import { newProject, openDataDir, type ServedLoopkit, serveLoopkit } from "./loopkit-server.js";

const TOTAL = 10_000;

async function countRows(db: Database, projectId: string): Promise<number | undefined> {
  const [row] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM requests WHERE project_id = $1",
    [projectId],
  );
  return row?.n;
}

describe("restart (PGlite in a data folder)", () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it("stores each of 10,000 events exactly once across a server stop and start, and a rejected event blocks nothing", {
    timeout: 240_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "loopkit-restart-"));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    let db: Database = await openDataDir(dataDir);
    const project = await newProject(db, "restart");
    let server: ServedLoopkit = await serveLoopkit(db);
    const port = server.port;

    const errors: DeliveryError[] = [];
    const loopkit = createLoopkit({
      baseUrl: server.url,
      apiKey: project.publicKey,
      flushAt: 200,
      flushIntervalMs: 20,
      maxAttempts: 20,
      onError: (e) => errors.push(e),
    });

    const ids: string[] = [];
    let rejectedId = "";
    let storedAtStop = -1;
    let retriesWhileDown = -1;
    for (let i = 0; i < TOTAL; i++) {
      ids.push(loopkit.log({ promptName: "restart", output: `event ${i}`, turnIndex: i }));
      if (i === 2_500) rejectedId = loopkit.log({ promptName: "restart", latencyMs: -1 });
      if (i % 500 === 499) await new Promise((resolve) => setTimeout(resolve, 30));
      if (i === 4_000) {
        // Stop in the middle of traffic: connections (with batches in flight) are dropped.
        await server.stop();
        storedAtStop = (await countRows(db, project.id)) ?? -1;
        await db.close();
        retriesWhileDown = loopkit.stats().retries;
      }
      if (i === 7_000) {
        // Stay down long enough for the client to retry a few times.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        retriesWhileDown = loopkit.stats().retries - retriesWhileDown;
        db = await openDataDir(dataDir);
        server = await serveLoopkit(db, port);
      }
    }
    await loopkit.shutdown();
    await server.stop();
    cleanup.push(() => db.close());

    const stats = loopkit.stats();
    const rows = await db.query<{ id: string }>("SELECT id FROM requests WHERE project_id = $1", [
      project.id,
    ]);
    const stored = rows.map((r) => r.id);
    console.log(
      `restart test: ${TOTAL} sent, ${stored.length} stored (${new Set(stored).size} distinct), ` +
        `stored when stopped ${storedAtStop}, retries while down ${retriesWhileDown} (all ${stats.retries}), ` +
        `duplicates answered ${stats.duplicates}, rejected ${stats.rejected}, failed ${stats.failed}`,
    );
    expect(storedAtStop).toBeGreaterThan(0);
    expect(storedAtStop).toBeLessThan(TOTAL);
    expect(retriesWhileDown).toBeGreaterThanOrEqual(2);
    expect(stored).toHaveLength(TOTAL);
    expect(new Set(stored)).toEqual(new Set(ids));
    expect(stats).toMatchObject({ rejected: 1, failed: 0, dropped: 0 });
    expect(stats.delivered + stats.duplicates).toBe(TOTAL);
    expect(errors).toEqual([
      expect.objectContaining({ code: "INVALID_EVENT", eventIds: [rejectedId] }),
    ]);
  });
});

import { copyFile, mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createProject,
  foldUserRollups,
  insertEvents,
  migrate,
  migrationStatus,
  versionAggregates,
} from "./index.js";
import { defaultMigrationsDirectory } from "./migrations.js";
import { feedbackEvent, logEvent } from "./test-events.js";
import { EMPTY_DATABASE_TEST_TIMEOUT_MS, openEmptyTestDatabase, testDrivers } from "./testing.js";

// Databases made before migration 0010 hold per-user totals kept by 0008's upserting trigger,
// and 0100–0101 are applied after 0009: 0010 and 0011 then come in after them. 0010 keeps those
// totals and switches ingest to appending changes, without a gap or a double count.

/** The migrations added since the previous release, in the order they apply to it. */
const ADDED = ["0010_user_rollup_changes.sql", "0011_merge_flags_early_return.sql"];

/** A folder with every shipped migration but those added since: the previous release's schema. */
async function migrationsOfPreviousRelease(): Promise<string> {
  const shipped = defaultMigrationsDirectory();
  const folder = await mkdtemp(join(tmpdir(), "loopkit-before-0010-"));
  for (const name of await readdir(shipped)) {
    if (name.endsWith(".sql") && !ADDED.includes(name)) {
      await copyFile(join(shipped, name), join(folder, name));
    }
  }
  return folder;
}

describe.each(await testDrivers())(
  "migration 0010 on a database of the previous release, on %s",
  (driver) => {
    it(
      "keeps the totals kept before it and adds the changes made after it",
      async () => {
        const { db } = await openEmptyTestDatabase(driver);
        try {
          await migrate(db, { directory: await migrationsOfPreviousRelease() });
          const p = (await createProject(db, { name: "upgrade" })).id;
          const log = (userHash: string, costMicros: number) =>
            logEvent({ promptName: "support", promptVersion: "v1", userHash, costMicros });
          const early = log("u1", 5);
          await insertEvents(db, p, [early, log("u2", 7)]);
          // Kept at ingest by 0008's trigger, as the previous release did.
          expect(await db.query("SELECT user_hash FROM user_rollups ORDER BY 1", [])).toEqual([
            { user_hash: "u1" },
            { user_hash: "u2" },
          ]);

          expect(await migrate(db)).toEqual({ applied: ADDED });
          expect((await migrationStatus(db)).pending).toEqual([]);
          await insertEvents(db, p, [
            feedbackEvent(early.id, { name: "rating", kind: "explicit", value: 4 }),
            log("u3", 11),
          ]);
          const whole = () => versionAggregates(db, p, { promptName: "support" });
          const grouped = await versionAggregates(db, p, {
            promptName: "support",
            from: new Date(0),
          });
          expect(await whole()).toEqual(grouped); // kept totals plus the pending changes
          expect(grouped[0]).toMatchObject({ requests: 3, costMicrosSum: 23 });
          expect(grouped[0]?.unitMoments).toMatchObject({ unit: "user", units: 3 });
          await foldUserRollups(db);
          expect(await whole()).toEqual(grouped);
          expect(
            await db.query(
              "SELECT user_hash, requests, rated, rating_sum::float8 AS rating_sum FROM user_rollups ORDER BY 1",
              [],
            ),
          ).toEqual([
            { user_hash: "u1", requests: 1, rated: 1, rating_sum: 4 },
            { user_hash: "u2", requests: 1, rated: 0, rating_sum: 0 },
            { user_hash: "u3", requests: 1, rated: 0, rating_sum: 0 },
          ]);
        } finally {
          await db.close();
        }
      },
      EMPTY_DATABASE_TEST_TIMEOUT_MS,
    );
  },
);

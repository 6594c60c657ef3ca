import { describe, expect, it } from "vitest";
import { pingDatabase } from "./index.js";
import { EMPTY_DATABASE_TEST_TIMEOUT_MS, openEmptyTestDatabase, testDrivers } from "./testing.js";

describe.each(await testDrivers())("pingDatabase on %s", (driver) => {
  it(
    "answers while the database does, and says DATABASE_UNAVAILABLE once it is gone",
    async () => {
      const { db } = await openEmptyTestDatabase(driver);
      try {
        await expect(pingDatabase(db)).resolves.toBeUndefined();
      } finally {
        await db.close();
      }
      await expect(pingDatabase(db)).rejects.toMatchObject({
        code: "DATABASE_UNAVAILABLE",
        message: expect.stringContaining("did not answer"),
      });
    },
    EMPTY_DATABASE_TEST_TIMEOUT_MS,
  );
});

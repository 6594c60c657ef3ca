import { createEvaluationStore } from "@loopkit/db";
import { openTestDatabase, type TestDriver, testDrivers } from "@loopkit/db/testing";
import type { EvaluationStore } from "../src/evaluation-store.js";

export { testDrivers };

/** A fresh, migrated database (PGlite or PostgreSQL) as an EvaluationStore. */
export async function openTestStore(
  driver: TestDriver,
): Promise<{ store: EvaluationStore; close: () => Promise<void> }> {
  const db = await openTestDatabase(driver);
  const store: EvaluationStore = createEvaluationStore(db);
  return { store, close: () => db.close() };
}

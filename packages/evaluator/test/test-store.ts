// Until @loopkit/db re-exports src/evaluations and ships @loopkit/db/testing, evaluator tests
// reach the same code by path. Swap these two imports for "@loopkit/db" and
// "@loopkit/db/testing" (testDrivers/openTestDatabase) once they exist.
import { createEvaluationStore } from "../../db/src/evaluations/index.js";
import {
  openEvaluationTestDatabase,
  TEST_DRIVERS,
  type TestDatabase,
} from "../../db/src/evaluations/test-databases.js";
import type { EvaluationStore } from "../src/evaluation-store.js";

export { TEST_DRIVERS };

/** A real database (PGlite or PostgreSQL) with the evaluation tables, as an EvaluationStore. */
export async function openTestStore(
  driver: (typeof TEST_DRIVERS)[number],
): Promise<{ store: EvaluationStore; close: () => Promise<void> }> {
  const test: TestDatabase = await openEvaluationTestDatabase(driver);
  const store: EvaluationStore = createEvaluationStore(test.db);
  return { store, close: () => test.close() };
}

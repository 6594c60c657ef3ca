import { type TestDriver, testDrivers } from "@loopkit/db/testing";

/**
 * The driver the suites run on: PostgreSQL when it answers (required under `CI=true`, where
 * `testDrivers` throws otherwise), else embedded PGlite.
 */
export async function suiteDriver(): Promise<TestDriver> {
  const drivers = await testDrivers();
  return drivers.includes("postgres") ? "postgres" : "pglite";
}

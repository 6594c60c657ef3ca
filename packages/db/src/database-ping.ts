import { LoopkitError } from "@loopkit/core";
import type { Queryable } from "./database.js";

/**
 * Checks that the database answers, with one trivial statement (a readiness probe).
 *
 * @throws {LoopkitError} `DATABASE_UNAVAILABLE` with the driver's error as its cause when the
 * database does not answer.
 */
export async function pingDatabase(db: Queryable): Promise<void> {
  try {
    await db.query("SELECT 1", []);
  } catch (error) {
    throw new LoopkitError(
      "DATABASE_UNAVAILABLE",
      `The database did not answer (${error instanceof Error ? error.message : String(error)}); check that it runs and that DATABASE_URL points at it.`,
      { cause: error },
    );
  }
}

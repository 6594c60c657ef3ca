import type { Queryable } from "./database.js";

/**
 * The advisory lock key of first-start bootstrap: `hashtext('loopkit:bootstrap')`, as servers
 * before this function took it, so old and new processes starting together still serialise.
 */
const FIRST_START_LOCK = "loopkit:bootstrap";

/**
 * Serialises the first start of several processes on one database: takes a transaction-scoped
 * advisory lock, held until `tx` ends. Call it first in the transaction that checks whether a
 * project exists and creates the default one, so only one process creates it.
 */
export async function lockFirstStart(tx: Queryable): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [FIRST_START_LOCK]);
}

import type { Database } from "./database.js";
import { maintainPartitions } from "./migrations.js";
import { applyRetention, type RetentionResult } from "./retention.js";

/** The advisory lock that lets one process at a time run maintenance (an arbitrary constant). */
export const MAINTENANCE_LOCK = 7_340_112_033;

/** What one maintenance pass did; `skipped` when another process holds the maintenance lock. */
export type MaintenanceResult =
  | { skipped: true }
  | { skipped: false; partitionsCreated: number; retention: RetentionResult };

/**
 * One maintenance pass: makes the coming event partitions, then applies retention. On PostgreSQL
 * several servers and workers may call it on a timer: a transaction-scoped advisory lock lets one
 * of them run it and the others skip. (Embedded PGlite has one process, so it needs no lock.)
 */
export async function runMaintenance(
  db: Database,
  options: { now?: Date } = {},
): Promise<MaintenanceResult> {
  const pass = async (): Promise<MaintenanceResult> => {
    const { created } = await maintainPartitions(db, options.now ? { now: options.now } : {});
    const retention = await applyRetention(db, options.now ? { now: options.now } : {});
    return { skipped: false, partitionsCreated: created, retention };
  };
  if (db.driver === "pglite") return pass();
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_xact_lock($1::bigint) AS locked",
      [MAINTENANCE_LOCK],
    );
    return row?.locked ? pass() : { skipped: true };
  });
}

import type { Database } from "./database.js";

/**
 * Test support only (not exported by the package): resolves once at least `n` sessions of the
 * database wait for a lock, so a test can order concurrent transactions (PostgreSQL only; polls
 * `pg_stat_activity` every 10 ms).
 */
export async function lockWaits(db: Database, n: number): Promise<void> {
  for (;;) {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      [],
    );
    if (row!.n >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

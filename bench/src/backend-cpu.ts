import pg from "pg";
import { readProcessCpuSeconds } from "./process-memory.js";

/** Lists the server processes (backends) connected to one database. */
const BACKENDS_SQL =
  "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'";

/**
 * Samples the CPU time of the PostgreSQL backends serving `database` (every connection the
 * Loopkit server's pool opens to it), every `intervalMs` until stopped. A backend that appears
 * during the run counts from zero; one that disappears keeps its last sample. PostgreSQL must
 * run on this machine (its processes are read from Linux `/proc`). The sampling connection is
 * made to `adminUrl`'s database, so it is not one of the backends measured.
 */
export async function sampleBackendCpu(
  adminUrl: string,
  database: string,
  intervalMs = 250,
): Promise<{ stop(): Promise<number> }> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const take = async (baseline: boolean) => {
    const { rows } = await client.query<{ pid: number }>(BACKENDS_SQL, [database]);
    for (const { pid } of rows) {
      const seconds = await readProcessCpuSeconds(pid).catch(() => null);
      if (seconds === null) continue; // exited between the query and the read
      if (!first.has(pid)) first.set(pid, baseline ? seconds : 0);
      last.set(pid, seconds);
    }
  };
  await take(true);
  let pending = Promise.resolve();
  const timer = setInterval(() => {
    pending = pending.then(() => take(false)).catch(() => {});
  }, intervalMs);
  return {
    /** Stops sampling; returns the CPU seconds the backends used since sampling began. */
    async stop() {
      clearInterval(timer);
      await pending;
      await take(false);
      await client.end();
      let seconds = 0;
      for (const [pid, end] of last) seconds += end - first.get(pid)!;
      return seconds;
    },
  };
}

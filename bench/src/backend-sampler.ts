import pg from "pg";
import { readProcessCpuSeconds } from "./process-memory.js";

/** The backends serving one database, with what each is doing now. */
const BACKENDS_SQL = `SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity
  WHERE datname = $1 AND backend_type = 'client backend'`;

/** What the backends serving a database did during a run. */
export interface BackendActivity {
  /** CPU seconds they used. */
  cpuSeconds: number;
  /**
   * Of all (backend, sample) pairs, the share in each state: `idle` (waiting for the server to
   * send the next statement), `running` (active, no wait event: on CPU or runnable), or the wait
   * event of an active or idle-in-transaction backend (`IO:WALSync`, `Lock:transactionid`,
   * `LWLock:WALWrite`, `Client:ClientRead` …).
   */
  states: Record<string, number>;
}

function stateOf(row: {
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
}): string {
  if (row.state === "idle") return "idle";
  if (row.wait_event_type === null) return "running";
  return `${row.wait_event_type}:${row.wait_event}`;
}

/**
 * Samples the PostgreSQL backends serving `database` (every connection the Loopkit server's pool
 * opens to it) every `intervalMs` until stopped: their CPU time, and what each is doing (state
 * and wait event, from `pg_stat_activity`), which tells whether ingestion waits for the CPU, the
 * disk (WAL flushes at commit), locks, or the server. A backend that appears during the run
 * counts its CPU from zero; one that disappears keeps its last sample. PostgreSQL must run on this
 * machine (its processes are read from Linux `/proc`). The sampling connection is made to
 * `adminUrl`'s database, so it is not one of the backends measured.
 */
export async function sampleBackends(
  adminUrl: string,
  database: string,
  intervalMs = 100,
): Promise<{ stop(): Promise<BackendActivity> }> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const states = new Map<string, number>();
  let observations = 0;
  const take = async (baseline: boolean) => {
    const { rows } = await client.query<{
      pid: number;
      state: string | null;
      wait_event_type: string | null;
      wait_event: string | null;
    }>(BACKENDS_SQL, [database]);
    for (const row of rows) {
      if (!baseline) {
        const state = stateOf(row);
        states.set(state, (states.get(state) ?? 0) + 1);
        observations++;
      }
      const seconds = await readProcessCpuSeconds(row.pid).catch(() => null);
      if (seconds === null) continue; // exited between the query and the read
      if (!first.has(row.pid)) first.set(row.pid, baseline ? seconds : 0);
      last.set(row.pid, seconds);
    }
  };
  await take(true);
  let pending = Promise.resolve();
  const timer = setInterval(() => {
    pending = pending.then(() => take(false)).catch(() => {});
  }, intervalMs);
  return {
    /** Stops sampling; returns the backends' CPU seconds since sampling began and their states. */
    async stop() {
      clearInterval(timer);
      await pending;
      await take(false);
      await client.end();
      let cpuSeconds = 0;
      for (const [pid, end] of last) cpuSeconds += end - first.get(pid)!;
      const shares = [...states].sort((a, b) => b[1] - a[1]);
      return {
        cpuSeconds,
        states: Object.fromEntries(shares.map(([state, n]) => [state, n / observations])),
      };
    },
  };
}

import { LoopkitError } from "@loopkit/core";

/** Anything that runs a parameterised SQL statement and returns its rows: a database or a transaction. */
export interface Queryable {
  /**
   * Runs one statement with its values bound as `$1`, `$2`, …; without `params` the text may
   * hold several statements (a migration script) and the rows of the last one are returned.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** An open Loopkit database: PostgreSQL through a `pg` pool, or embedded PGlite. */
export interface Database extends Queryable {
  readonly driver: "postgres" | "pglite";
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Closes the pool or the embedded database. */
  close(): Promise<void>;
}

/** Where the database is: see {@link createDatabase}. */
export interface DatabaseOptions {
  /** `postgres://…` or `postgresql://…`: a PostgreSQL server, through a `pg` pool. */
  url?: string;
  /** A folder for embedded PGlite (created if missing). */
  dataDir?: string;
  /** Connections in the `pg` pool (default 10). Ignored by PGlite, which has one. */
  poolSize?: number;
  /**
   * Milliseconds a query waits for a pool connection (a free one, or a new one to open) before
   * it fails, so a stalled database sheds callers instead of queueing them; default: no bound.
   * A full pool fails with pg-pool's `timeout exceeded when trying to connect`, a connection
   * that does not open in time with `Connection terminated due to connection timeout`.
   * Ignored by PGlite.
   */
  acquireTimeoutMs?: number;
}

/**
 * Opens a database: `url` (`postgres://…`) → a `pg` pool; `dataDir` → PGlite stored in that
 * folder (created if missing); neither → an in-memory PGlite, gone when closed.
 *
 * @throws {LoopkitError} `INVALID_CONFIG` for a url that is not `postgres://`, or both options;
 * `DATABASE_UNAVAILABLE` when PostgreSQL does not answer.
 */
export async function createDatabase(options: DatabaseOptions = {}): Promise<Database> {
  if (options.url && options.dataDir) {
    throw new LoopkitError(
      "INVALID_CONFIG",
      "createDatabase got both url and dataDir; pass url for PostgreSQL or dataDir for embedded PGlite, not both.",
    );
  }
  if (options.url) {
    if (!/^postgres(ql)?:\/\//.test(options.url)) {
      throw new LoopkitError(
        "INVALID_CONFIG",
        `createDatabase: the database url must start with postgres:// or postgresql:// (got "${options.url.split(":")[0]}:…"); for embedded storage pass dataDir instead.`,
      );
    }
    const { openPostgres } = await import("./postgres-driver.js");
    return openPostgres(options.url, options.poolSize ?? 10, options.acquireTimeoutMs ?? 0);
  }
  const { openPglite } = await import("./pglite-driver.js");
  return openPglite({ dataDir: options.dataDir });
}

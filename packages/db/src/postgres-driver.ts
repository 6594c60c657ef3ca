import { LoopkitError } from "@loopkit/core";
import pg from "pg";
import type { Database, Queryable } from "./database.js";

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Type parsers for this pool only (the global `pg.types` is left alone): `bigint` and `numeric`
 * come back as JavaScript numbers, as PGlite returns them, so both drivers give the same rows.
 */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads do not accept a union format
    return pg.types.getTypeParser(oid, format as any);
  },
};

function rowsOf<T>(result: pg.QueryResult | pg.QueryResult[]): T[] {
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return (last?.rows ?? []) as T[];
}

function queryableOf(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const result = (await client.query(sql, params)) as pg.QueryResult | pg.QueryResult[];
      return rowsOf<T>(result);
    },
  };
}

/**
 * Opens a `pg` pool on `url` and checks that the server answers. `acquireTimeoutMs` bounds the
 * wait for a connection (0: unbounded).
 */
export async function openPostgres(
  url: string,
  poolSize: number,
  acquireTimeoutMs = 0,
): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: acquireTimeoutMs,
    types,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => {});
    const where = url.replace(/\/\/[^@/]*@/, "//…@");
    throw new LoopkitError(
      "DATABASE_UNAVAILABLE",
      `Could not connect to PostgreSQL at ${where}: ${(error as Error).message}. Check that the server runs and that DATABASE_URL is right.`,
      { cause: error },
    );
  }
  const queryable = queryableOf(pool);
  return {
    driver: "postgres",
    query: queryable.query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      // A connection lost while checked out (PostgreSQL restarted, the backend terminated) is
      // emitted as 'error' on the client, which pg-pool only listens to while it is idle:
      // unheard, it would crash the process. The statement in flight fails on its own.
      const onLost = (error: Error) => {
        broken = error;
      };
      client.on("error", onLost);
      try {
        await client.query("BEGIN");
        const result = await fn(queryableOf(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.off("error", onLost);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

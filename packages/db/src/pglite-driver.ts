import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import type { Database, Queryable } from "./database.js";

interface PgliteRunner {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<Array<{ rows: unknown[] }>>;
}

function queryableOf(runner: PgliteRunner): Queryable {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      if (params === undefined) {
        // Like pg's simple query protocol: several statements allowed, last one's rows returned.
        const results = await runner.exec(sql);
        return (results[results.length - 1]?.rows ?? []) as T[];
      }
      return (await runner.query<T>(sql, params)).rows;
    },
  };
}

/** Wraps an open PGlite instance as a {@link Database}. */
export function wrapPglite(lite: PGlite): Database {
  const queryable = queryableOf(lite as unknown as PgliteRunner);
  return {
    driver: "pglite",
    query: queryable.query,
    transaction: (fn) => lite.transaction((tx) => fn(queryableOf(tx as unknown as PgliteRunner))),
    close: () => lite.close(),
  };
}

/** Opens PGlite in `dataDir` (created if missing), or in memory without one. */
export async function openPglite(options: {
  dataDir?: string | undefined;
  loadDataDir?: Blob | undefined;
}): Promise<Database> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const lite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  return wrapPglite(lite);
}

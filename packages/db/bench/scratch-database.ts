import { randomUUID } from "node:crypto";
import pg from "pg";

/** A PostgreSQL database made for one benchmark and dropped after it. */
export interface ScratchDatabase {
  /** `postgres://…/<name>` of the new database. */
  url: string;
  name: string;
  /** Drops the database (closing any connection still open on it). */
  drop(): Promise<void>;
}

/**
 * Creates an empty database `loopkit_bench_<random>` on the server of `adminUrl` (a database
 * the bench may connect to, such as `postgres`).
 *
 * @throws {Error} when PostgreSQL does not answer at `adminUrl`: the message names it and how to
 * point the bench elsewhere.
 */
export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `loopkit_bench_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `bench: cannot connect to PostgreSQL at ${redactUrl(adminUrl)} (${String(error)}); start it or set LOOPKIT_BENCH_DATABASE_URL to a server where the bench may CREATE DATABASE`,
    );
  }
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//…@");
}

import { randomUUID } from "node:crypto";
import pg from "pg";

/** The shared PostgreSQL the tests use (`LOOPKIT_TEST_DATABASE_URL`, as `@loopkit/db/testing`). */
export function adminUrl(): string {
  return process.env.LOOPKIT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

/** A new empty database on the PostgreSQL at `admin`; `drop()` removes it (forcing sessions off). */
export async function createScratchDatabase(
  admin: string = adminUrl(),
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `loopkit_suite_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { SqlClient } from "./sql-client.js";

/**
 * Test databases for the evaluation queries, on both drivers, with the evaluation migration
 * applied: an in-memory PGlite, and a fresh schema in the PostgreSQL at 127.0.0.1:5432 (db
 * `test`, or `DATABASE_URL`). To be replaced by `@loopkit/db/testing` once it exists.
 */
export const TEST_DRIVERS = ["pglite", "pg"] as const;

/** An open test database and how to close (and drop) it. */
export interface TestDatabase {
  db: SqlClient;
  close(): Promise<void>;
}

const migrationUrl = new URL("../../migrations/0100_evaluations.sql", import.meta.url);

/** Opens an empty database of `driver` with the evaluation tables. */
export async function openEvaluationTestDatabase(
  driver: (typeof TEST_DRIVERS)[number],
): Promise<TestDatabase> {
  const migration = await readFile(migrationUrl, "utf8");
  if (driver === "pglite") {
    const lite = await PGlite.create();
    await lite.exec(migration);
    const db: SqlClient = {
      query: async <T>(sql: string, params?: unknown[]) => (await lite.query<T>(sql, params)).rows,
    };
    return { db, close: () => lite.close() };
  }
  const schema = `eval_test_${randomUUID().replaceAll("-", "")}`;
  const connectionString = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString, max: 4, options: `-c search_path=${schema}` });
  await pool.query(migration);
  return {
    db: {
      query: async <T>(sql: string, params?: unknown[]) =>
        (await pool.query(sql, params)).rows as T[],
    },
    close: async () => {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}

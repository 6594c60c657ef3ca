import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LoopkitError } from "@loopkit/core";
import type { Database, Queryable } from "./database.js";

/**
 * The advisory lock that serialises migrations across processes (an arbitrary constant that
 * spells nothing else Loopkit uses).
 */
const MIGRATION_LOCK = 4_711_020_261;

/** A migration file name: four digits, an underscore, a name, `.sql`. */
const MIGRATION_FILE = /^\d{4}_[\w-]+\.sql$/;

/**
 * The shipped `migrations/` folder, found from this module's own location: `src/` under Vitest,
 * `dist/` once built (ESM, and CJS through tsup's `import.meta.url` shim) — both one level below
 * the package root, where `migrations/` is shipped.
 */
export function defaultMigrationsDirectory(): string {
  return fileURLToPath(new URL("../migrations/", import.meta.url));
}

/** Options of {@link migrate} and {@link migrationStatus}. */
export interface MigrationOptions {
  /** The folder of numbered `.sql` files (default: the migrations shipped with this package). */
  directory?: string;
}

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

async function readMigrationFiles(directory: string): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    throw new LoopkitError(
      "INVALID_CONFIG",
      `Could not read the migrations folder ${directory}: ${(error as Error).message}. Reinstall @loopkit/db, or pass the folder that holds the numbered .sql files.`,
      { cause: error },
    );
  }
  const files = names.filter((name) => MIGRATION_FILE.test(name)).sort();
  return Promise.all(
    files.map(async (name) => {
      const sql = await readFile(join(directory, name), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/** A database error as text: its message and, when the driver gives it, its SQLSTATE code. */
function databaseError(error: unknown): string {
  const { message, code } = error as { message?: unknown; code?: unknown };
  const text = typeof message === "string" ? message : String(error);
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)
    ? `${text} (SQLSTATE ${code})`
    : text;
}

async function lockMigrations(tx: Queryable): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock($1::bigint)", [MIGRATION_LOCK]);
}

async function appliedNames(db: Queryable): Promise<Set<string>> {
  const [table] = await db.query<{ exists: boolean }>(
    "SELECT to_regclass('loopkit_migrations') IS NOT NULL AS exists",
    [],
  );
  if (!table?.exists) return new Set();
  const rows = await db.query<{ name: string }>("SELECT name FROM loopkit_migrations", []);
  return new Set(rows.map((row) => row.name));
}

/**
 * Applies the pending migrations in file-name order. Each file runs in its own transaction that
 * first takes a PostgreSQL advisory lock and re-checks whether the file was applied, so several
 * processes may migrate one database at once and each file is still applied exactly once. Then
 * makes sure the event partitions exist ({@link maintainPartitions}).
 *
 * @returns the files this call applied (empty when the schema was up to date).
 * @throws {LoopkitError} `MIGRATION_FAILED` naming the file whose SQL failed and the database's
 * error; that file is rolled back and the files after it are not applied.
 */
export async function migrate(
  db: Database,
  options: MigrationOptions = {},
): Promise<{ applied: string[] }> {
  const files = await readMigrationFiles(options.directory ?? defaultMigrationsDirectory());
  await db.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS loopkit_migrations (
        name       text        PRIMARY KEY,
        checksum   text        NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
      [],
    );
  });
  const done = await appliedNames(db);
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file.name)) continue;
    const ran = await db.transaction(async (tx) => {
      await lockMigrations(tx);
      const existing = await tx.query("SELECT 1 FROM loopkit_migrations WHERE name = $1", [
        file.name,
      ]);
      if (existing.length > 0) return false;
      try {
        await tx.query(file.sql);
      } catch (error) {
        throw new LoopkitError(
          "MIGRATION_FAILED",
          `Migration ${file.name} failed and was rolled back: ${databaseError(error)}. Fix the SQL in ${file.name} (or the database state it expects), then run migrate again.`,
          { cause: error },
        );
      }
      await tx.query("INSERT INTO loopkit_migrations (name, checksum) VALUES ($1, $2)", [
        file.name,
        file.checksum,
      ]);
      return true;
    });
    if (ran) applied.push(file.name);
  }
  const [maintenance] = await db.query<{ exists: boolean }>(
    "SELECT to_regproc('loopkit_ensure_partitions') IS NOT NULL AS exists",
    [],
  );
  if (maintenance?.exists) await maintainPartitions(db);
  return { applied };
}

/** Which migration files are applied to `db` and which are still pending, in order. */
export async function migrationStatus(
  db: Queryable,
  options: MigrationOptions = {},
): Promise<{ applied: string[]; pending: string[] }> {
  const files = await readMigrationFiles(options.directory ?? defaultMigrationsDirectory());
  const done = await appliedNames(db);
  return {
    applied: files.filter((file) => done.has(file.name)).map((file) => file.name),
    pending: files.filter((file) => !done.has(file.name)).map((file) => file.name),
  };
}

/**
 * Creates the monthly partitions of `requests` and `feedback` from the month of `now` to
 * `monthsAhead` months later, and one for every month that has rows waiting in a DEFAULT
 * partition (moving them in). Run it at least monthly (migrate() runs it too).
 *
 * @returns how many partitions were created.
 */
export async function maintainPartitions(
  db: Queryable,
  options: { now?: Date; monthsAhead?: number } = {},
): Promise<{ created: number }> {
  const [row] = await db.query<{ created: number }>(
    "SELECT loopkit_ensure_partitions($1::timestamptz, $2::integer) AS created",
    [options.now ?? new Date(), options.monthsAhead ?? 3],
  );
  return { created: Number(row?.created ?? 0) };
}

/**
 * Test support (`@loopkit/db/testing`): fresh, migrated, empty databases on both drivers for
 * the tests of this and other packages. Usage in a test file:
 *
 * ```ts
 * describe.each(await testDrivers())("… on %s", (driver) => {
 *   let db: Database;
 *   beforeAll(async () => { db = await openTestDatabase(driver); });
 *   afterAll(() => db.close());
 * });
 * ```
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { LoopkitError } from "@loopkit/core";
import pg from "pg";
import type { Database } from "./database.js";
import { defaultMigrationsDirectory, migrate } from "./migrations.js";
import { openPglite, wrapPglite } from "./pglite-driver.js";
import { openPostgres } from "./postgres-driver.js";

/** A database driver a test can run on. */
export type TestDriver = "pglite" | "postgres";

const DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

function adminUrl(): string {
  return process.env.LOOPKIT_TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
}

async function postgresAnswers(url: string): Promise<Error | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return error as Error;
  } finally {
    await client.end().catch(() => {});
  }
}

let driversOnce: Promise<TestDriver[]> | undefined;

/**
 * The drivers to test on: `["pglite", "postgres"]`, with "postgres" only when the admin URL
 * answers (`LOOPKIT_TEST_DATABASE_URL`, default postgres://postgres@127.0.0.1:5432/postgres).
 * Under `CI=true` an unreachable PostgreSQL throws, so a skipped PostgreSQL suite fails CI.
 */
export function testDrivers(): Promise<TestDriver[]> {
  driversOnce ??= (async () => {
    const failure = await postgresAnswers(adminUrl());
    if (!failure) return ["pglite", "postgres"];
    if (process.env.CI === "true") {
      throw new LoopkitError(
        "DATABASE_UNAVAILABLE",
        `PostgreSQL for tests does not answer at ${adminUrl()} (${failure.message}); CI must run the PostgreSQL suites. Start PostgreSQL or set LOOPKIT_TEST_DATABASE_URL.`,
      );
    }
    return ["pglite"];
  })();
  return driversOnce;
}

/** A key that changes whenever a migration file (or the month, which sets the partitions) does. */
async function schemaKey(): Promise<string> {
  const directory = defaultMigrationsDirectory();
  const hash = createHash("sha256");
  for (const name of (await readdir(directory)).sort()) {
    if (name.endsWith(".sql")) hash.update(name).update(await readFile(join(directory, name)));
  }
  hash.update(new Date().toISOString().slice(0, 7));
  return hash.digest("hex").slice(0, 16);
}

let pgliteTemplate: Promise<Blob> | undefined;

/**
 * A migrated PGlite data folder as a tarball: built once per process, and kept in the system's
 * temporary folder so the next test processes load it instead of migrating again (written to a
 * unique name then renamed, so concurrent processes never read a half-written file).
 */
function migratedPgliteTemplate(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const folder = join(tmpdir(), "loopkit-pglite-templates");
    const file = join(folder, `${await schemaKey()}.tar`);
    try {
      return new Blob([await readFile(file)]);
    } catch {
      // Not built yet: build it below.
    }
    const lite = await PGlite.create();
    const db = wrapPglite(lite);
    await migrate(db);
    const dump = await lite.dumpDataDir("none");
    await db.close();
    const bytes = new Uint8Array(await dump.arrayBuffer());
    await mkdir(folder, { recursive: true });
    const partial = `${file}.${randomUUID()}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, file);
    return new Blob([bytes]);
  })();
  return pgliteTemplate;
}

function databaseUrl(admin: string, database: string): string {
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Lock id that serialises template building and cloning across test processes. */
const TEMPLATE_LOCK = 4_711_020_262;

/**
 * Makes sure the migrated template database exists, building it under an advisory lock (and
 * under a temporary name renamed when complete, so a crash never leaves a half-built template),
 * then clones it into `database`.
 */
async function cloneMigratedTemplate(admin: pg.Client, database: string): Promise<void> {
  const template = `loopkit_tpl_${await schemaKey()}`;
  await admin.query("SELECT pg_advisory_lock($1::bigint)", [TEMPLATE_LOCK]);
  try {
    const existing = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
    if (existing.rowCount === 0) {
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${building}`);
      await admin.query(`CREATE DATABASE ${building}`);
      const db = await openPostgres(databaseUrl(adminUrl(), building), 2);
      try {
        await migrate(db);
      } finally {
        await db.close();
      }
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
    }
    await admin.query(`CREATE DATABASE ${database} TEMPLATE ${template}`);
  } finally {
    await admin.query("SELECT pg_advisory_unlock($1::bigint)", [TEMPLATE_LOCK]);
  }
}

async function dropOnClose(db: Database, name: string): Promise<Database> {
  return {
    driver: db.driver,
    query: db.query,
    transaction: db.transaction,
    async close() {
      await db.close();
      const dropper = new pg.Client({ connectionString: adminUrl() });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

function newDatabaseName(): string {
  return `loopkit_t_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
}

/**
 * The time a test that opens {@link openEmptyTestDatabase} may take: a fresh PGlite (WASM
 * start-up and initdb) alone takes 15–40 s on a loaded 2-CPU machine.
 */
export const EMPTY_DATABASE_TEST_TIMEOUT_MS = 120_000;

/**
 * An empty database with no migrations applied, for tests of migrating itself: a new in-memory
 * PGlite, or a new PostgreSQL database dropped by `close()`. `connect` opens more pools on the
 * same PostgreSQL database (to migrate from two processes at once, say); PGlite has one.
 */
export async function openEmptyTestDatabase(
  driver: TestDriver,
): Promise<{ db: Database; connect: () => Promise<Database> }> {
  if (driver === "pglite") {
    const db = await openPglite({});
    return { db, connect: async () => db };
  }
  const name = newDatabaseName();
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(adminUrl(), name);
  const opened: Database[] = [];
  const connect = async () => {
    const db = await openPostgres(url, 5);
    opened.push(db);
    return db;
  };
  const main = await connect();
  return {
    db: await dropOnClose(
      {
        ...main,
        close: async () => {
          await Promise.all(opened.map((db) => db.close()));
        },
      },
      name,
    ),
    connect,
  };
}

/**
 * A fresh, migrated, empty database for one test file. PGlite: loaded from a migrated template
 * built once per process. PostgreSQL: a new database `loopkit_t_<random>` cloned from a
 * migrated template database, dropped by `close()`.
 */
export async function openTestDatabase(driver: TestDriver): Promise<Database> {
  if (driver === "pglite") {
    return openPglite({ loadDataDir: await migratedPgliteTemplate() });
  }
  const name = newDatabaseName();
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await cloneMigratedTemplate(admin, name);
  } finally {
    await admin.end();
  }
  return dropOnClose(await openPostgres(databaseUrl(adminUrl(), name), 5), name);
}

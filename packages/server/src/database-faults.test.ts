/**
 * Every error classified here is produced by the real driver (pg against PostgreSQL, PGlite),
 * not built by hand: a refused connection, a backend terminated by an administrator, a pool
 * that stayed busy, a closed pool and a closed PGlite; and the data errors that input causes,
 * from bound parameters the database refuses.
 */
import { createServer } from "node:net";
import { createDatabase, type Database } from "@loopkit/db";
import { testDrivers } from "@loopkit/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFault, inputFault } from "./database-faults.js";

const postgresUrl =
  process.env.LOOPKIT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function rejection(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error("expected the database call to fail");
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("databaseFault on PGlite", () => {
  it("a bad statement is not a fault of availability (null); a closed PGlite is DATABASE_UNAVAILABLE", async () => {
    const db = await createDatabase();
    expect(databaseFault(await rejection(db.query("SELEKT 1")))).toBeNull();
    await db.close();
    expect(databaseFault(await rejection(db.query("SELECT 1")))?.code).toBe("DATABASE_UNAVAILABLE");
  }, 120_000);
});

describe.runIf((await testDrivers()).includes("postgres"))("databaseFault on PostgreSQL", () => {
  it("a refused connection is DATABASE_UNAVAILABLE", async () => {
    const error = await rejection(
      createDatabase({ url: `postgres://postgres@127.0.0.1:${await closedPort()}/postgres` }),
    );
    // createDatabase reports it itself; its cause is pg's own error (ECONNREFUSED).
    const cause = (error as { cause: unknown }).cause;
    expect(JSON.stringify(cause, ["code", "errors"])).toContain("ECONNREFUSED");
    expect(databaseFault(cause)?.code).toBe("DATABASE_UNAVAILABLE");
  });

  it("a session terminated by an administrator (57P01) is DATABASE_UNAVAILABLE", async () => {
    const db: Database = await createDatabase({ url: postgresUrl, poolSize: 2 });
    try {
      const error = await rejection(
        db.transaction(async (tx) => {
          const [{ pid }] = (await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")) as [
            { pid: number },
          ];
          const sleeping = tx.query("SELECT pg_sleep(30)");
          sleeping.catch(() => {}); // it may fail before it is awaited below
          await db.query("SELECT pg_terminate_backend($1)", [pid]);
          await sleeping;
        }),
      );
      expect((error as { code?: string }).code).toBe("57P01");
      expect(databaseFault(error)?.code).toBe("DATABASE_UNAVAILABLE");
    } finally {
      await db.close();
    }
  });

  it("a pool that stays busy past acquireTimeoutMs is OVERLOADED", async () => {
    // Long enough for the first connection to open on a loaded machine.
    const db = await createDatabase({ url: postgresUrl, poolSize: 1, acquireTimeoutMs: 2000 });
    try {
      const error = await db.transaction(() => rejection(db.query("SELECT 1")));
      expect(databaseFault(error)?.code).toBe("OVERLOADED");
    } finally {
      await db.close();
    }
  });

  it("a closed pool is DATABASE_UNAVAILABLE; a constraint violation is not a fault", async () => {
    const db = await createDatabase({ url: postgresUrl, poolSize: 1 });
    expect(
      databaseFault(await rejection(db.query("SELECT 1/0"))), // 22012 division_by_zero
    ).toBeNull();
    await db.close();
    expect(databaseFault(await rejection(db.query("SELECT 1")))?.code).toBe("DATABASE_UNAVAILABLE");
  });
});

describe("databaseFault and inputFault on values that are not driver errors", () => {
  it("answer null", () => {
    for (const value of [
      undefined,
      null,
      "ECONNREFUSED",
      42,
      new Error("boom"),
      {},
      { message: "m", code: "toString" },
    ]) {
      expect(databaseFault(value)).toBeNull();
      expect(inputFault(value, "x")).toBeNull();
    }
  });
});

/**
 * Bound parameters PostgreSQL refuses, each with the SQLSTATE it answers (PostgreSQL 15 manual,
 * Appendix A "PostgreSQL Error Codes"; the values are ones its input functions refuse).
 */
const REFUSED_INPUT: {
  sqlstate: string;
  what: string;
  run: (db: Database) => Promise<unknown>;
  /** PGlite's WASM stack takes 1,000,000 levels of jsonb; deeper aborts the process itself. */
  postgresOnly?: boolean;
}[] = [
  {
    sqlstate: "22021",
    what: "a NUL in a text parameter",
    run: (db) => db.query("SELECT $1::text", ["before\u0000after"]),
  },
  {
    sqlstate: "22P05",
    what: "a NUL escape in a jsonb parameter",
    run: (db) => db.query("SELECT $1::jsonb", ['{"k":"\\u0000"}']),
  },
  {
    sqlstate: "22003",
    what: "2^31 as an integer",
    run: (db) => db.query("SELECT $1::integer", ["2147483648"]),
  },
  {
    sqlstate: "22001",
    what: "three characters into a varchar(2) column",
    run: (db) =>
      db.transaction(async (tx) => {
        await tx.query("CREATE TEMP TABLE short_texts (v varchar(2)) ON COMMIT DROP");
        await tx.query("INSERT INTO short_texts VALUES ($1)", ["abc"]);
      }),
  },
  {
    sqlstate: "22007",
    what: "a time that is not one",
    run: (db) => db.query("SELECT $1::timestamptz", ["yesterday at noonish"]),
  },
  {
    sqlstate: "22008",
    what: "year 0 (there is none)",
    run: (db) => db.query("SELECT $1::timestamptz", ["0000-01-01T00:00:00Z"]),
  },
  {
    sqlstate: "22P02",
    what: "a malformed uuid",
    run: (db) => db.query("SELECT $1::uuid", ["not-a-uuid"]),
  },
  {
    sqlstate: "54001",
    what: "JSON nested past the stack limit",
    postgresOnly: true,
    run: (db) => db.query("SELECT $1::jsonb", [`${"[".repeat(500_000)}${"]".repeat(500_000)}`]),
  },
];

describe.each(await testDrivers())("inputFault on %s", (driver) => {
  let db: Database;
  beforeAll(async () => {
    db =
      driver === "postgres"
        ? await createDatabase({ url: postgresUrl, poolSize: 1 })
        : await createDatabase();
  }, 120_000);
  afterAll(() => db?.close());

  it.each(REFUSED_INPUT.filter((c) => driver === "postgres" || !c.postgresOnly))(
    "$what is INVALID_INPUT ($sqlstate), its message naming neither SQL nor value",
    async (c) => {
      const error = await rejection(c.run(db));
      expect((error as { code?: string }).code).toBe(c.sqlstate);
      const fault = inputFault(error, "requests.list");
      expect(fault?.sqlstate).toBe(c.sqlstate);
      expect(fault?.error.code).toBe("INVALID_INPUT");
      expect(fault?.error.message).toMatch(
        new RegExp(
          `^requests\\.list: the database refused a value of the input \\(SQLSTATE ${c.sqlstate}\\): `,
        ),
      );
      expect(fault?.error.message).not.toMatch(/SELECT|INSERT|\$1|abc|not-a-uuid|2147483648/);
      expect(fault?.error.message).not.toContain("\u0000");
      expect(fault?.databaseMessage).not.toMatch(/"/);
      expect(databaseFault(error)).toBeNull();
    },
  );

  it("errors of the server's own making (division by zero, a syntax error, a unique violation) are not input faults", async () => {
    expect(inputFault(await rejection(db.query("SELECT 1/0")), "x")).toBeNull();
    expect(inputFault(await rejection(db.query("SELEKT 1")), "x")).toBeNull();
    const duplicate = await rejection(
      db.transaction(async (tx) => {
        await tx.query("CREATE TEMP TABLE once (v int PRIMARY KEY) ON COMMIT DROP");
        await tx.query("INSERT INTO once VALUES (1), (1)");
      }),
    );
    expect((duplicate as { code?: string }).code).toBe("23505");
    expect(inputFault(duplicate, "x")).toBeNull();
  });
});

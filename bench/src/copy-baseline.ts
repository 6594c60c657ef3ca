import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { copyFromStdin } from "../../packages/db/bench/copy-rows.js";
import { readProcessCpuSeconds } from "./process-memory.js";

/** What a raw COPY of the rows an ingestion stored took. */
export interface CopyBaseline {
  /** Rows copied: requests and feedback. */
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  /**
   * CPU time of the database per 1,000 rows: the PostgreSQL backend that ran the COPY, or on
   * PGlite this process (the database runs in it).
   */
  databaseCpuMsPerThousandRows: number;
}

/** The tables an ingestion writes rows to, in COPY order. */
const TABLES = ["requests", "feedback"] as const;
/** Project id the copies are stored under, so they sit beside the originals. */
const COPY_PROJECT = "bench-copy-baseline";

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** `SELECT` of a table's rows of one project, with the project id swapped for the copy's. */
function exportQuery(table: string, columns: string[], projectId: string): string {
  const rest = columns.filter((c) => c !== "project_id").map((c) => `"${c}"`);
  return `SELECT ${literal(COPY_PROJECT)}::text AS project_id, ${rest.join(", ")} FROM ${table} WHERE project_id = ${literal(projectId)}`;
}

const PROJECTS_SQL = "SELECT id FROM projects";

/** The one project the server made at its first start (the bench uses no other). */
function onlyProject(rows: Array<{ id: string }>): string {
  if (rows.length !== 1) {
    throw new Error(`bench: expected the server's one default project, found ${rows.length}`);
  }
  return rows[0]!.id;
}

const COLUMNS_SQL = `SELECT column_name AS name FROM information_schema.columns
  WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`;

/**
 * The physical baseline of ingestion on PostgreSQL: the requests and feedback rows that the
 * server stored for its default project are read out (COPY TO, untimed) and then written again, under
 * another project id, by one process in one transaction with `COPY … FROM STDIN`
 * (pg-copy-streams) — the same rows, same tables, same indexes, no validation, no redaction,
 * no rollups, no HTTP. Returns rows per second of the timed part.
 */
export async function copyBaselinePostgres(url: string): Promise<CopyBaseline> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const projectId = onlyProject((await client.query<{ id: string }>(PROJECTS_SQL)).rows);
    const exported: Array<{ table: string; columns: string[]; chunks: Buffer[]; rows: number }> =
      [];
    for (const table of TABLES) {
      const columns = (await client.query<{ name: string }>(COLUMNS_SQL, [table])).rows.map(
        (r) => r.name,
      );
      const chunks: Buffer[] = [];
      const stream = client.query(
        copyTo(`COPY (${exportQuery(table, columns, projectId)}) TO STDOUT`),
      );
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      exported.push({ table, columns, chunks, rows: Number(stream.rowCount ?? 0) });
    }
    const { rows: backend } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const cpuBefore = await readProcessCpuSeconds(backend[0]!.pid);
    const start = performance.now();
    await client.query("BEGIN");
    for (const { table, columns, chunks } of exported) {
      await copyFromStdin(client, table, columns, chunks);
    }
    await client.query("COMMIT");
    const seconds = (performance.now() - start) / 1000;
    const cpuSeconds = (await readProcessCpuSeconds(backend[0]!.pid)) - cpuBefore;
    const rows = exported.reduce((n, e) => n + e.rows, 0);
    const bytes = exported.reduce((n, e) => n + e.chunks.reduce((m, c) => m + c.length, 0), 0);
    return {
      rows,
      bytes,
      seconds,
      rowsPerSecond: rows / seconds,
      databaseCpuMsPerThousandRows: (cpuSeconds * 1e6) / rows,
    };
  } finally {
    await client.end();
  }
}

/**
 * The same baseline on embedded PGlite: opens the server's data folder in this process (after
 * the server stopped), reads the rows of its default project out with `COPY … TO '/dev/blob'` (untimed)
 * and writes them again under another project id with `COPY … FROM '/dev/blob'` in one
 * transaction.
 */
export async function copyBaselinePglite(dataDir: string): Promise<CopyBaseline> {
  const lite = await PGlite.create({ dataDir });
  try {
    const projectId = onlyProject((await lite.query<{ id: string }>(PROJECTS_SQL)).rows);
    const exported: Array<{ table: string; columns: string[]; blob: Blob; rows: number }> = [];
    for (const table of TABLES) {
      const columns = (await lite.query<{ name: string }>(COLUMNS_SQL, [table])).rows.map(
        (r) => r.name,
      );
      const result = await lite.query(
        `COPY (${exportQuery(table, columns, projectId)}) TO '/dev/blob'`,
      );
      if (!result.blob) throw new Error(`bench: PGlite returned no blob for COPY of ${table}`);
      exported.push({ table, columns, blob: result.blob, rows: result.affectedRows ?? 0 });
    }
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    await lite.transaction(async (tx) => {
      for (const { table, columns, blob } of exported) {
        await tx.query(
          `COPY ${table} (${columns.map((c) => `"${c}"`).join(", ")}) FROM '/dev/blob'`,
          [],
          { blob },
        );
      }
    });
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const rows = exported.reduce((n, e) => n + e.rows, 0);
    const bytes = exported.reduce((n, e) => n + e.blob.size, 0);
    return {
      rows,
      bytes,
      seconds,
      rowsPerSecond: rows / seconds,
      databaseCpuMsPerThousandRows: (cpu.user + cpu.system) / rows,
    };
  } finally {
    await lite.close();
  }
}

import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/**
 * Streams rows already in COPY text format into `table (columns)` with one
 * `COPY … FROM STDIN` (pg-copy-streams) on `client`; resolves when PostgreSQL has taken them
 * all. Outside a transaction the COPY is one atomic statement.
 */
export async function copyFromStdin(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  chunks: Iterable<string | Buffer>,
): Promise<void> {
  const stream = client.query(
    copyFrom(`COPY ${table} (${columns.map((c) => `"${c}"`).join(", ")}) FROM STDIN`),
  );
  await new Promise<void>((resolve, reject) => {
    stream.once("error", reject);
    stream.once("finish", resolve);
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
}

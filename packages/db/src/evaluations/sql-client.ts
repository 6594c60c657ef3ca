/**
 * The one method the evaluation queries need: a parameterised query returning rows. Both a
 * `pg` Pool/Client and a PGlite instance satisfy it, and so does Loopkit's `Database`.
 */
export interface SqlClient {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

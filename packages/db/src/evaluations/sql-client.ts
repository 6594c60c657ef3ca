/**
 * The one method the evaluation queries need: a parameterised query resolving to its rows.
 * Loopkit's `Database` (and a transaction's `Queryable`) satisfy it.
 */
export interface SqlClient {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

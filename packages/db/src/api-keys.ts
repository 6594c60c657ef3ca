import { randomUUID } from "node:crypto";
import type { Queryable } from "./database.js";

/** A stored API key: its hash stays in the database, only the display prefix comes back. */
export interface ApiKeyRecord {
  id: string;
  projectId: string;
  kind: "public" | "secret";
  /** The first characters of the key, shown so a person can tell keys apart. */
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

interface ApiKeyRow {
  id: string;
  project_id: string;
  kind: "public" | "secret";
  prefix: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = "id, project_id, kind, prefix, created_at, revoked_at, last_used_at";

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    kind: row.kind,
    prefix: row.prefix,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

/** Stores a new key of a project by its hash (the server hashes the key; the key itself is never stored). */
export async function insertApiKey(
  db: Queryable,
  input: { projectId: string; kind: "public" | "secret"; keyHash: string; prefix: string },
): Promise<ApiKeyRecord> {
  const [row] = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (project_id, id, kind, key_hash, prefix) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${COLUMNS}`,
    [input.projectId, randomUUID(), input.kind, input.keyHash, input.prefix],
  );
  return toApiKey(row!);
}

/** The key with this hash, revoked or not (the caller checks `revokedAt`), or null. */
export async function findApiKeyByHash(
  db: Queryable,
  keyHash: string,
): Promise<ApiKeyRecord | null> {
  const [row] = await db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1`, [
    keyHash,
  ]);
  return row ? toApiKey(row) : null;
}

/** A project's keys, newest first. */
export async function listApiKeys(db: Queryable, projectId: string): Promise<ApiKeyRecord[]> {
  const rows = await db.query<ApiKeyRow>(
    `SELECT ${COLUMNS} FROM api_keys WHERE project_id = $1 ORDER BY created_at DESC, id`,
    [projectId],
  );
  return rows.map(toApiKey);
}

/**
 * Revokes a key of a project (a key already revoked keeps its first revocation time).
 *
 * @returns false when the project has no key with this id.
 */
export async function revokeApiKey(
  db: Queryable,
  projectId: string,
  keyId: string,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
     WHERE project_id = $1 AND id = $2 RETURNING id`,
    [projectId, keyId],
  );
  return rows.length > 0;
}

/**
 * Records that a key was used now. Cheap to call on every request: the row is only written
 * when the last recorded use is older than a minute.
 */
export async function touchApiKey(
  db: Queryable,
  keyId: string,
  now: Date = new Date(),
): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = $2
     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
    [keyId, now],
  );
}

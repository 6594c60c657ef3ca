import { type ApiKeyRecord, findApiKeyByHash, type Queryable } from "@loopkit/db";
import { hashApiKey, isApiKeyOfKind } from "./api-keys.js";

/** Who is calling: a project's key, the admin, or nobody. */
export type Caller =
  | { type: "anonymous" }
  | { type: "admin" }
  | { type: "key"; projectId: string; kind: "public" | "secret"; keyId: string };

/** Reads the bearer token from an `Authorization` header value. */
export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/**
 * Resolves a bearer token to a caller. Unknown and revoked keys resolve to anonymous, so that
 * every auth failure answers the same way whatever the reason; with `publicOnly` (a key sent in
 * a URL) so do the admin token and secret keys. Every call looks the key up in the database, so
 * a key revoked by any process fails at once in every process.
 */
export async function resolveCaller(
  db: Queryable,
  token: string | null,
  adminToken: string | undefined,
  options: { publicOnly?: boolean } = {},
): Promise<Caller> {
  if (!token) return { type: "anonymous" };
  if (options.publicOnly && !isApiKeyOfKind(token, "public")) return { type: "anonymous" };
  if (!options.publicOnly && adminToken && constantTimeEqual(token, adminToken)) {
    return { type: "admin" };
  }
  const record: ApiKeyRecord | null = await findApiKeyByHash(db, hashApiKey(token));
  if (!record || record.revokedAt) return { type: "anonymous" };
  if (options.publicOnly && record.kind !== "public") return { type: "anonymous" };
  return { type: "key", projectId: record.projectId, kind: record.kind, keyId: record.id };
}

function constantTimeEqual(a: string, b: string): boolean {
  // Compare hashes so the time taken does not depend on where the strings differ or their length.
  const ha = hashApiKey(a);
  const hb = hashApiKey(b);
  let diff = 0;
  for (let i = 0; i < ha.length; i++) diff |= ha.charCodeAt(i) ^ hb.charCodeAt(i);
  return diff === 0;
}

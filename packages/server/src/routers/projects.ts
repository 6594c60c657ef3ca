import type { Queryable } from "@loopkit/db";
import {
  type ApiKeyRecord,
  createProject,
  getProject,
  insertApiKey,
  listApiKeys,
  listProjects,
  revokeApiKey,
  updateProjectSettings,
} from "@loopkit/db";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { type ApiKeyKind, apiKeyPrefix, generateApiKey, hashApiKey } from "../auth/api-keys.js";
import { adminProcedure, secretProcedure } from "../trpc.js";
import { Label } from "./input-schemas.js";

const KeyKind = z.enum(["public", "secret"]);

/** A new key: the plain key is in this answer only; the database keeps its hash. */
export interface CreatedApiKey {
  key: string;
  record: ApiKeyRecord;
}

/** Creates a key of a kind for a project and returns it once in plain text. */
export async function issueApiKey(
  db: Queryable,
  projectId: string,
  kind: ApiKeyKind,
  key: string = generateApiKey(kind),
): Promise<CreatedApiKey> {
  const record = await insertApiKey(db, {
    projectId,
    kind,
    keyHash: hashApiKey(key),
    prefix: apiKeyPrefix(key),
  });
  return { key, record };
}

/** Projects and their keys. Creating and listing projects needs the admin token. */
export const projectsRouter = {
  /** Creates a project with a public and a secret key (shown once). */
  create: adminProcedure.input(z.object({ name: Label })).mutation(async ({ ctx, input }) =>
    ctx.services.db.transaction(async (tx) => {
      const project = await createProject(tx, { name: input.name });
      const publicKey = await issueApiKey(tx, project.id, "public");
      const secretKey = await issueApiKey(tx, project.id, "secret");
      return { project, publicKey: publicKey.key, secretKey: secretKey.key };
    }),
  ),

  /** Every project (admin). */
  list: adminProcedure.query(({ ctx }) => listProjects(ctx.services.db)),

  /** The caller's own project and settings. */
  current: secretProcedure.query(async ({ ctx }) => getProject(ctx.services.db, ctx.projectId)),

  /** Changes the caller's project settings (name, PII redaction, retention). */
  updateSettings: secretProcedure
    .input(
      z.object({
        name: Label.optional(),
        redactPii: z.boolean().optional(),
        retentionDays: z.number().int().min(1).max(3650).nullable().optional(),
      }),
    )
    .mutation(({ ctx, input }) => updateProjectSettings(ctx.services.db, ctx.projectId, input)),

  /** Creates another key of a kind in the caller's project; the plain key is shown once. */
  createKey: secretProcedure
    .input(z.object({ kind: KeyKind }))
    .mutation(({ ctx, input }) => issueApiKey(ctx.services.db, ctx.projectId, input.kind)),

  /** The caller's project keys: prefixes and dates only. */
  listKeys: secretProcedure.query(({ ctx }) => listApiKeys(ctx.services.db, ctx.projectId)),

  /** Revokes a key of the caller's project; it fails at once. */
  revokeKey: secretProcedure
    .input(z.object({ keyId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      if (!(await revokeApiKey(ctx.services.db, ctx.projectId, input.keyId))) {
        throw new TRPCError({ code: "NOT_FOUND", message: "no such key in this project" });
      }
      return { revoked: true };
    }),

  /** Replaces a key by a new one of the same kind in one transaction. */
  rotateKey: secretProcedure.input(z.object({ keyId: z.uuid() })).mutation(({ ctx, input }) =>
    ctx.services.db.transaction(async (tx) => {
      const old = (await listApiKeys(tx, ctx.projectId)).find((k) => k.id === input.keyId);
      if (!old || old.revokedAt) {
        throw new TRPCError({ code: "NOT_FOUND", message: "no such active key in this project" });
      }
      await revokeApiKey(tx, ctx.projectId, old.id);
      return issueApiKey(tx, ctx.projectId, old.kind);
    }),
  ),
} satisfies TRPCRouterRecord;

/**
 * Prompt versions and their lifecycle: draft → shadow → experiment → production → retired.
 * Every change is recorded in the audit log in the transaction that makes it. Production is
 * reached only through `requestPromotion` then `approve` by a named person other than the
 * requester.
 */

import type { JsonValue } from "@loopkit/core";
import {
  createPromptVersion,
  decideApproval,
  getApproval,
  getPromptVersion,
  listApprovals,
  listAudit,
  listPromptVersions,
  type PromptVersionStatus,
  type Queryable,
  recordAudit,
  requestApproval,
  setPromptVersionStatus,
} from "@loopkit/db";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { secretProcedure } from "../trpc.js";
import { Comment, Name, Person, PromptParams, present, Template } from "./input-schemas.js";

const Status = z.enum(["draft", "shadow", "experiment", "production", "retired"]);

/** Transitions a key may make directly; production needs an approved promotion. */
const NEXT: Record<PromptVersionStatus, PromptVersionStatus[]> = {
  draft: ["shadow", "retired"],
  shadow: ["experiment", "draft", "retired"],
  experiment: ["shadow", "retired"],
  production: ["retired"],
  retired: [],
};

const VersionRef = z.object({ promptName: Name, version: Name });

/** The subject key of a prompt version in approvals and the audit log. */
function subjectKey(promptName: string, version: string): string {
  return `${promptName}@${version}`;
}

function keyActor(keyId: string): string {
  return `key:${keyId}`;
}

/** Prompt versions, lifecycle and human-approved promotion: secret keys. */
export const promptsRouter = {
  /** Registers a new version (status draft) with its template, model and parameters. */
  create: secretProcedure
    .input(
      VersionRef.extend({
        // Approvals name a version as `prompt@version`, split at the last "@".
        version: Name.refine((v) => !v.includes("@"), "a version name cannot contain @"),
        template: Template.optional(),
        model: Name.optional(),
        params: PromptParams.optional(),
        createdBy: Person.optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.db.transaction(async (tx) => {
        const record = await createPromptVersion(tx, ctx.projectId, {
          ...present(input),
          promptName: input.promptName,
          version: input.version,
          status: "draft",
        });
        await auditVersion(tx, ctx, {
          actor: input.createdBy ?? keyActor(ctx.keyId),
          action: "prompt_version.create",
          subjectKey: subjectKey(input.promptName, input.version),
          details: { model: input.model ?? null },
        });
        return record;
      }),
    ),

  /** The project's versions, optionally of one prompt or status. */
  list: secretProcedure
    .input(z.object({ promptName: Name.optional(), status: Status.optional() }).optional())
    .query(({ ctx, input }) =>
      listPromptVersions(ctx.services.db, ctx.projectId, present(input ?? {})),
    ),

  /** One version. */
  get: secretProcedure.input(VersionRef).query(async ({ ctx, input }) => {
    const record = await getPromptVersion(
      ctx.services.db,
      ctx.projectId,
      input.promptName,
      input.version,
    );
    if (!record) {
      throw new TRPCError({
        code: "NOT_FOUND",
        message: `prompt "${input.promptName}" has no version "${input.version}"; prompts.list shows the versions`,
      });
    }
    return record;
  }),

  /**
   * Moves a version along its lifecycle (draft → shadow → experiment, back a step, or retired).
   * Production is refused here: use `requestPromotion` and `approve`.
   */
  transition: secretProcedure
    .input(
      VersionRef.extend({
        to: Status.exclude(["production"], {
          error: "production needs an approved promotion: call prompts.requestPromotion",
        }),
        actor: Person.optional(),
        reason: Comment,
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.db.transaction(async (tx) => {
        const current = await existingVersion(tx, ctx.projectId, input);
        if (!NEXT[current.status].includes(input.to)) {
          throw new TRPCError({
            code: "CONFLICT",
            message: `a ${current.status} version can move to ${NEXT[current.status].join(", ") || "nothing"}, not ${input.to}`,
          });
        }
        const updated = await setPromptVersionStatus(
          tx,
          ctx.projectId,
          input.promptName,
          input.version,
          input.to,
        );
        await auditVersion(tx, ctx, {
          actor: input.actor ?? keyActor(ctx.keyId),
          action: `prompt_version.${input.to}`,
          subjectKey: subjectKey(input.promptName, input.version),
          details: { from: current.status, to: input.to, reason: input.reason ?? null },
        });
        return updated;
      }),
    ),

  /** Asks for a version in experiment to be promoted to production; a person must approve it. */
  requestPromotion: secretProcedure
    .input(VersionRef.extend({ requestedBy: Person, comment: Comment }))
    .mutation(({ ctx, input }) =>
      ctx.services.db.transaction(async (tx) => {
        const current = await existingVersion(tx, ctx.projectId, input);
        if (current.status !== "experiment") {
          throw new TRPCError({
            code: "CONFLICT",
            message: `only a version in experiment can be promoted; this one is ${current.status} (move it with prompts.transition)`,
          });
        }
        const key = subjectKey(input.promptName, input.version);
        const pending = await listApprovals(tx, ctx.projectId, {
          status: "pending",
          subjectType: "prompt_version",
          subjectKey: key,
        });
        if (pending.length > 0) {
          throw new TRPCError({
            code: "CONFLICT",
            message: `a promotion of ${key} is already waiting for approval (id ${pending[0]!.id})`,
          });
        }
        const approval = await requestApproval(tx, ctx.projectId, {
          subjectType: "prompt_version",
          subjectKey: key,
          action: "promote",
          requestedBy: input.requestedBy,
          ...(input.comment ? { comment: input.comment } : {}),
        });
        await auditVersion(tx, ctx, {
          actor: input.requestedBy,
          action: "prompt_version.promotion_requested",
          subjectKey: key,
          details: { approvalId: approval.id },
        });
        return approval;
      }),
    ),

  /**
   * Approves a pending promotion: the version goes to production and the one there is retired,
   * in one transaction with the approval and the audit entry. The approver must be a person
   * other than the requester.
   */
  approve: secretProcedure
    .input(z.object({ approvalId: z.uuid(), approver: Person, comment: Comment }))
    .mutation(({ ctx, input }) =>
      ctx.services.db.transaction(async (tx) => {
        const approval = await pendingPromotion(tx, ctx.projectId, input.approvalId);
        if (approval.requestedBy.toLowerCase() === input.approver.toLowerCase()) {
          throw new TRPCError({
            code: "FORBIDDEN",
            message: `${input.approver} requested this promotion and cannot approve it; another person must`,
          });
        }
        const decided = await decidePromotion(tx, ctx.projectId, approval.id, "approved", input);
        const [promptName, version] = splitSubject(approval.subjectKey);
        const current = await getPromptVersion(tx, ctx.projectId, promptName, version);
        if (current?.status !== "experiment") {
          throw new TRPCError({
            code: "CONFLICT",
            message: `${approval.subjectKey} is ${current?.status ?? "gone"} now, no longer in experiment; request the promotion again`,
          });
        }
        const previous = await listPromptVersions(tx, ctx.projectId, {
          promptName,
          status: "production",
        });
        const promoted = await setPromptVersionStatus(
          tx,
          ctx.projectId,
          promptName,
          version,
          "production",
        );
        await auditVersion(tx, ctx, {
          actor: input.approver,
          action: "prompt_version.promote",
          subjectKey: approval.subjectKey,
          details: {
            approvalId: approval.id,
            requestedBy: approval.requestedBy,
            approvedBy: input.approver,
            retired: previous.map((p) => p.version),
          },
        });
        return { approval: decided, version: promoted };
      }),
    ),

  /** Rejects a pending promotion, naming who decided. */
  reject: secretProcedure
    .input(z.object({ approvalId: z.uuid(), approver: Person, comment: Comment }))
    .mutation(({ ctx, input }) =>
      ctx.services.db.transaction(async (tx) => {
        const approval = await pendingPromotion(tx, ctx.projectId, input.approvalId);
        const decided = await decidePromotion(tx, ctx.projectId, approval.id, "rejected", input);
        await auditVersion(tx, ctx, {
          actor: input.approver,
          action: "prompt_version.promotion_rejected",
          subjectKey: approval.subjectKey,
          details: { approvalId: approval.id },
        });
        return decided;
      }),
    ),

  /** Promotion requests, newest first, optionally by status. */
  approvals: secretProcedure
    .input(z.object({ status: z.enum(["pending", "approved", "rejected"]).optional() }).optional())
    .query(({ ctx, input }) =>
      listApprovals(ctx.services.db, ctx.projectId, {
        subjectType: "prompt_version",
        ...present(input ?? {}),
      }),
    ),

  /** The audit log of one version, newest first. */
  history: secretProcedure.input(VersionRef).query(({ ctx, input }) =>
    listAudit(ctx.services.db, ctx.projectId, {
      subjectType: "prompt_version",
      subjectKey: subjectKey(input.promptName, input.version),
    }),
  ),
} satisfies TRPCRouterRecord;

/**
 * Records a change to a prompt version in the audit log (call it last in the transaction that
 * makes the change); `details` get the id of the key that made it.
 */
function auditVersion(
  tx: Queryable,
  ctx: { projectId: string; keyId: string },
  entry: { actor: string; action: string; subjectKey: string; details: Record<string, JsonValue> },
) {
  return recordAudit(tx, {
    projectId: ctx.projectId,
    actor: entry.actor,
    action: entry.action,
    subjectType: "prompt_version",
    subjectKey: entry.subjectKey,
    details: { ...entry.details, keyId: ctx.keyId },
  });
}

/** The version named, or NOT_FOUND. */
async function existingVersion(
  tx: Queryable,
  projectId: string,
  ref: { promptName: string; version: string },
) {
  const current = await getPromptVersion(tx, projectId, ref.promptName, ref.version);
  if (!current) {
    throw new TRPCError({
      code: "NOT_FOUND",
      message: `prompt "${ref.promptName}" has no version "${ref.version}"`,
    });
  }
  return current;
}

/** Approves or rejects a promotion request in the approver's name, with their comment if any. */
function decidePromotion(
  tx: Queryable,
  projectId: string,
  approvalId: string,
  status: "approved" | "rejected",
  input: { approver: string; comment?: string | undefined },
) {
  return decideApproval(tx, projectId, approvalId, {
    status,
    decidedBy: input.approver,
    ...(input.comment ? { comment: input.comment } : {}),
  });
}

async function pendingPromotion(db: Queryable, projectId: string, approvalId: string) {
  const approval = await getApproval(db, projectId, approvalId);
  if (approval?.subjectType !== "prompt_version") {
    throw new TRPCError({
      code: "NOT_FOUND",
      message: `no promotion request ${approvalId} in this project; prompts.approvals lists them`,
    });
  }
  if (approval.status !== "pending") {
    throw new TRPCError({
      code: "CONFLICT",
      message: `promotion request ${approvalId} was already ${approval.status} by ${approval.decidedBy}`,
    });
  }
  return approval;
}

function splitSubject(key: string): [string, string] {
  const at = key.lastIndexOf("@");
  return [key.slice(0, at), key.slice(at + 1)];
}

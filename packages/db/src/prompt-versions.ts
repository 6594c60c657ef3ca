import { LoopkitError, type PromptVersionConfig } from "@loopkit/core";
import type { Queryable } from "./database.js";
import { isUniqueViolation } from "./unique-violation.js";

/** Where a prompt version stands: drafted, shadowed, in an experiment, live, or retired. */
export type PromptVersionStatus = PromptVersionConfig["status"];

/** A stored prompt version. */
export interface PromptVersionRecord {
  projectId: string;
  promptName: string;
  version: string;
  template: string | null;
  model: string | null;
  params: Record<string, unknown> | null;
  status: PromptVersionStatus;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  project_id: string;
  prompt_name: string;
  version: string;
  template: string | null;
  model: string | null;
  params: Record<string, unknown> | null;
  status: PromptVersionStatus;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  "project_id, prompt_name, version, template, model, params, status, created_by, created_at, updated_at";

function toRecord(row: Row): PromptVersionRecord {
  return {
    projectId: row.project_id,
    promptName: row.prompt_name,
    version: row.version,
    template: row.template,
    model: row.model,
    params: row.params,
    status: row.status,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Registers a prompt version (status `draft` unless given).
 *
 * @throws {LoopkitError} `CONFLICT` when the prompt already has this version; `CONFLICT` too
 * when it is created as `production` while another version is.
 */
export async function createPromptVersion(
  db: Queryable,
  projectId: string,
  input: {
    promptName: string;
    version: string;
    template?: string;
    model?: string;
    params?: Record<string, unknown>;
    status?: PromptVersionStatus;
    createdBy?: string;
  },
): Promise<PromptVersionRecord> {
  try {
    const [row] = await db.query<Row>(
      `INSERT INTO prompt_versions (project_id, prompt_name, version, template, model, params, status, created_by)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) RETURNING ${COLUMNS}`,
      [
        projectId,
        input.promptName,
        input.version,
        input.template ?? null,
        input.model ?? null,
        input.params === undefined ? null : JSON.stringify(input.params),
        input.status ?? "draft",
        input.createdBy ?? null,
      ],
    );
    return toRecord(row!);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new LoopkitError(
        "CONFLICT",
        `Prompt "${input.promptName}" already has a version "${input.version}" (or a production version); choose a new version name.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** One version of a prompt, or null. */
export async function getPromptVersion(
  db: Queryable,
  projectId: string,
  promptName: string,
  version: string,
): Promise<PromptVersionRecord | null> {
  const [row] = await db.query<Row>(
    `SELECT ${COLUMNS} FROM prompt_versions WHERE project_id = $1 AND prompt_name = $2 AND version = $3`,
    [projectId, promptName, version],
  );
  return row ? toRecord(row) : null;
}

/** A project's prompt versions, by prompt then oldest first; optionally of one prompt or status. */
export async function listPromptVersions(
  db: Queryable,
  projectId: string,
  filter: { promptName?: string; status?: PromptVersionStatus } = {},
): Promise<PromptVersionRecord[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM prompt_versions
     WHERE project_id = $1 AND ($2::text IS NULL OR prompt_name = $2)
       AND ($3::text IS NULL OR status = $3)
     ORDER BY prompt_name, created_at, version`,
    [projectId, filter.promptName ?? null, filter.status ?? null],
  );
  return rows.map(toRecord);
}

/**
 * Moves a prompt version to `status`. Promoting one to `production` retires the version that
 * was in production. Run it in the transaction that records the audit entry, so the switch and
 * its record are one.
 *
 * @returns the updated version and the status it had before.
 * @throws {LoopkitError} `NOT_FOUND` when the prompt has no such version.
 */
export async function setPromptVersionStatus(
  db: Queryable,
  projectId: string,
  promptName: string,
  version: string,
  status: PromptVersionStatus,
): Promise<PromptVersionRecord & { previousStatus: PromptVersionStatus }> {
  const current = await getPromptVersion(db, projectId, promptName, version);
  if (!current) {
    throw new LoopkitError(
      "NOT_FOUND",
      `Prompt "${promptName}" has no version "${version}"; list the prompt's versions to find it.`,
    );
  }
  if (status === "production") {
    await db.query(
      `UPDATE prompt_versions SET status = 'retired', updated_at = now()
       WHERE project_id = $1 AND prompt_name = $2 AND status = 'production' AND version <> $3`,
      [projectId, promptName, version],
    );
  }
  const [row] = await db.query<Row>(
    `UPDATE prompt_versions SET status = $4, updated_at = now()
     WHERE project_id = $1 AND prompt_name = $2 AND version = $3 RETURNING ${COLUMNS}`,
    [projectId, promptName, version, status],
  );
  return { ...toRecord(row!), previousStatus: current.status };
}

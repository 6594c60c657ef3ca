import { randomUUID } from "node:crypto";
import { LoopkitError } from "@loopkit/core";
import type { Queryable } from "./database.js";

/** A project: the unit that owns events, keys and settings. */
export interface Project {
  id: string;
  name: string;
  createdAt: Date;
  /** Whether the server redacts PII from this project's events. */
  redactPii: boolean;
  /** Days events are kept; null keeps them forever. */
  retentionDays: number | null;
}

interface ProjectRow {
  id: string;
  name: string;
  created_at: Date;
  redact_pii: boolean;
  retention_days: number | null;
}

const COLUMNS = "id, name, created_at, redact_pii, retention_days";

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    redactPii: row.redact_pii,
    retentionDays: row.retention_days,
  };
}

function checkName(name: string): void {
  if (name.trim().length === 0 || name.length > 256) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `A project name must be 1–256 characters (got ${name.length}); choose a shorter, non-blank name.`,
    );
  }
}

function checkRetention(days: number | null | undefined): void {
  if (days !== null && days !== undefined && !(Number.isInteger(days) && days > 0)) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `retentionDays must be a whole number of days above 0, or null to keep events forever (got ${days}).`,
    );
  }
}

/**
 * Creates a project with a new random id, PII redaction on and no retention limit.
 *
 * @throws {LoopkitError} `INVALID_INPUT` for a blank or over-long name.
 */
export async function createProject(db: Queryable, input: { name: string }): Promise<Project> {
  checkName(input.name);
  const [row] = await db.query<ProjectRow>(
    `INSERT INTO projects (id, name) VALUES ($1, $2) RETURNING ${COLUMNS}`,
    [randomUUID(), input.name],
  );
  return toProject(row!);
}

/** The project with this id, or null. */
export async function getProject(db: Queryable, id: string): Promise<Project | null> {
  const [row] = await db.query<ProjectRow>(`SELECT ${COLUMNS} FROM projects WHERE id = $1`, [id]);
  return row ? toProject(row) : null;
}

/** All projects, oldest first. */
export async function listProjects(db: Queryable): Promise<Project[]> {
  const rows = await db.query<ProjectRow>(
    `SELECT ${COLUMNS} FROM projects ORDER BY created_at, id`,
    [],
  );
  return rows.map(toProject);
}

/**
 * Changes a project's name, PII redaction or retention; fields left out keep their value.
 *
 * @throws {LoopkitError} `NOT_FOUND` when there is no such project; `INVALID_INPUT` for a bad
 * name or retention.
 */
export async function updateProjectSettings(
  db: Queryable,
  id: string,
  settings: { redactPii?: boolean; retentionDays?: number | null; name?: string },
): Promise<Project> {
  if (settings.name !== undefined) checkName(settings.name);
  checkRetention(settings.retentionDays);
  const [row] = await db.query<ProjectRow>(
    `UPDATE projects SET
       name = coalesce($2, name),
       redact_pii = coalesce($3, redact_pii),
       retention_days = CASE WHEN $4::boolean THEN $5::integer ELSE retention_days END
     WHERE id = $1
     RETURNING ${COLUMNS}`,
    [
      id,
      settings.name ?? null,
      settings.redactPii ?? null,
      settings.retentionDays !== undefined,
      settings.retentionDays ?? null,
    ],
  );
  if (!row) {
    throw new LoopkitError(
      "NOT_FOUND",
      `No project with id "${id}"; list the projects to find the right id.`,
    );
  }
  return toProject(row);
}

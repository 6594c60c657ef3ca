import { type ExperimentConfig, LoopkitError } from "@loopkit/core";
import type { Queryable } from "./database.js";
import { isUniqueViolation } from "./unique-violation.js";

/** Where an experiment stands. */
export type ExperimentStatus = ExperimentConfig["status"];

/** A stored experiment: its config (as core's `ExperimentConfig`) and its lifecycle times. */
export interface ExperimentRecord {
  projectId: string;
  key: string;
  config: ExperimentConfig;
  status: ExperimentStatus;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  stoppedAt: Date | null;
}

interface Row {
  project_id: string;
  key: string;
  config: ExperimentConfig;
  status: ExperimentStatus;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  stopped_at: Date | null;
}

const COLUMNS = "project_id, key, config, status, created_at, updated_at, started_at, stopped_at";

function toRecord(row: Row): ExperimentRecord {
  return {
    projectId: row.project_id,
    key: row.key,
    config: row.config,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    stoppedAt: row.stopped_at,
  };
}

/**
 * Stores an experiment from a validated config (its `status` becomes the experiment's).
 *
 * @throws {LoopkitError} `CONFLICT` when the project already has an experiment with this key.
 */
export async function createExperiment(
  db: Queryable,
  projectId: string,
  config: ExperimentConfig,
): Promise<ExperimentRecord> {
  try {
    const [row] = await db.query<Row>(
      `INSERT INTO experiments (project_id, key, config, status, started_at)
       VALUES ($1, $2, $3::jsonb, $4, CASE WHEN $4 = 'running' THEN now() END)
       RETURNING ${COLUMNS}`,
      [projectId, config.key, JSON.stringify(config), config.status],
    );
    return toRecord(row!);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new LoopkitError(
        "CONFLICT",
        `An experiment with key "${config.key}" already exists in this project; choose another key.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The experiment with this key, or null. */
export async function getExperiment(
  db: Queryable,
  projectId: string,
  key: string,
): Promise<ExperimentRecord | null> {
  const [row] = await db.query<Row>(
    `SELECT ${COLUMNS} FROM experiments WHERE project_id = $1 AND key = $2`,
    [projectId, key],
  );
  return row ? toRecord(row) : null;
}

/** A project's experiments, newest first; optionally only those of one status. */
export async function listExperiments(
  db: Queryable,
  projectId: string,
  filter: { status?: ExperimentStatus } = {},
): Promise<ExperimentRecord[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM experiments
     WHERE project_id = $1 AND ($2::text IS NULL OR status = $2)
     ORDER BY created_at DESC, key`,
    [projectId, filter.status ?? null],
  );
  return rows.map(toRecord);
}

/**
 * Starts, stops or re-drafts an experiment: records when it first started and when it stopped,
 * and keeps `config.status` in step.
 *
 * @throws {LoopkitError} `NOT_FOUND` when there is no such experiment.
 */
export async function setExperimentStatus(
  db: Queryable,
  projectId: string,
  key: string,
  status: ExperimentStatus,
): Promise<ExperimentRecord> {
  const [row] = await db.query<Row>(
    `UPDATE experiments SET
       status = $3,
       config = jsonb_set(config, '{status}', to_jsonb($3::text)),
       updated_at = now(),
       started_at = CASE WHEN $3 = 'running' THEN coalesce(started_at, now()) ELSE started_at END,
       stopped_at = CASE WHEN $3 = 'stopped' THEN now() ELSE NULL END
     WHERE project_id = $1 AND key = $2
     RETURNING ${COLUMNS}`,
    [projectId, key, status],
  );
  if (!row) {
    throw new LoopkitError(
      "NOT_FOUND",
      `No experiment with key "${key}" in this project; list the experiments to find it.`,
    );
  }
  return toRecord(row);
}

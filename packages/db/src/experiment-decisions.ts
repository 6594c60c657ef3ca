import type { JsonValue } from "@loopkit/core";
import type { Queryable } from "./database.js";

/** A decision an experiment analysis can reach (anything but keep running). */
export type ExperimentVerdict = "ship_variant" | "stop";

/**
 * The first decision a sequential (always-valid) analysis of an experiment reached. Its
 * guarantee — false positives at most α however often the analysis is read — is for the first
 * look that decides, so later looks report this one instead of letting a later reading replace it.
 */
export interface ExperimentDecision {
  experimentKey: string;
  decision: ExperimentVerdict;
  /** The variant to ship, for `ship_variant`. */
  winner: string | null;
  reasons: string[];
  /** The analysis settings it was reached with (alpha, primary metric, guardrails, …). */
  settings: Record<string, JsonValue>;
  /** The analysis that decided, as it was answered then. */
  analysis: JsonValue;
  decidedAt: Date;
}

interface Row {
  experiment_key: string;
  decision: ExperimentVerdict;
  winner: string | null;
  reasons: string[];
  settings: Record<string, JsonValue>;
  analysis: JsonValue;
  decided_at: Date;
}

const COLUMNS = "experiment_key, decision, winner, reasons, settings, analysis, decided_at";

function toDecision(row: Row): ExperimentDecision {
  return {
    experimentKey: row.experiment_key,
    decision: row.decision,
    winner: row.winner,
    reasons: row.reasons,
    settings: row.settings,
    analysis: row.analysis,
    decidedAt: row.decided_at,
  };
}

/** The first decision recorded for the experiment, or null while none was reached. */
export async function getFirstDecision(
  db: Queryable,
  projectId: string,
  experimentKey: string,
): Promise<ExperimentDecision | null> {
  const [row] = await db.query<Row>(
    `SELECT ${COLUMNS} FROM experiment_decisions WHERE project_id = $1 AND experiment_key = $2`,
    [projectId, experimentKey],
  );
  return row ? toDecision(row) : null;
}

/**
 * Records `decision` as the experiment's first decision unless one is already recorded, and
 * returns the first decision — this one, or the earlier one that stands. Concurrent calls agree:
 * the primary key lets exactly one insert win. The experiment must exist in the project.
 */
export async function recordFirstDecision(
  db: Queryable,
  projectId: string,
  decision: Omit<ExperimentDecision, "decidedAt">,
): Promise<ExperimentDecision> {
  const [inserted] = await db.query<Row>(
    `INSERT INTO experiment_decisions (project_id, experiment_key, decision, winner, reasons,
       settings, analysis)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb)
     ON CONFLICT (project_id, experiment_key) DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      projectId,
      decision.experimentKey,
      decision.decision,
      decision.winner,
      JSON.stringify(decision.reasons),
      JSON.stringify(decision.settings),
      JSON.stringify(decision.analysis),
    ],
  );
  if (inserted) return toDecision(inserted);
  // Another look decided first (possibly committed after this statement's snapshot): read it.
  const first = await getFirstDecision(db, projectId, decision.experimentKey);
  if (!first) throw new Error("recordFirstDecision: the conflicting decision vanished");
  return first;
}

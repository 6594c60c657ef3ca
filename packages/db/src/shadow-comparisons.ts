import type { Queryable } from "./database.js";

/** A candidate version's shadow runs against the primary requests they ran beside. */
export interface ShadowComparison {
  promptName: string | null;
  /** The candidate's prompt version, `(none)` for shadow events that name none. */
  candidateVersion: string;
  /** Shadow events of the candidate. */
  shadows: number;
  /** Shadow events whose primary request is stored (the pairs compared below). */
  paired: number;
  candidateErrorRate: number | null;
  primaryErrorRate: number | null;
  candidateMeanLatencyMs: number | null;
  primaryMeanLatencyMs: number | null;
  /** Mean of (candidate − primary) latency over pairs where both are known. */
  meanLatencyDiffMs: number | null;
  candidateMeanCostMicros: number | null;
  primaryMeanCostMicros: number | null;
  /** Mean of (candidate − primary) cost over pairs where both are known. */
  meanCostDiffMicros: number | null;
}

interface Row {
  prompt_name: string | null;
  candidate_version: string | null;
  shadows: number;
  paired: number;
  candidate_errors: number;
  primary_errors: number;
  candidate_latency: number | null;
  primary_latency: number | null;
  latency_diff: number | null;
  candidate_cost: number | null;
  primary_cost: number | null;
  cost_diff: number | null;
}

/**
 * Per prompt and candidate version, by prompt then version: the shadow events (log events with
 * `shadowOf`) joined to their primary requests in the same project, with the error rate, mean
 * latency and mean cost of each side over the stored pairs, and the mean paired differences.
 */
export async function shadowComparisons(
  db: Queryable,
  projectId: string,
  filter: { promptName?: string | undefined; candidateVersion?: string | undefined } = {},
): Promise<ShadowComparison[]> {
  const rows = await db.query<Row>(
    `SELECT s.prompt_name, s.prompt_version AS candidate_version,
            count(*)::int AS shadows,
            count(p.id)::int AS paired,
            count(*) FILTER (WHERE p.id IS NOT NULL AND s.status = 'error')::int AS candidate_errors,
            count(*) FILTER (WHERE p.status = 'error')::int AS primary_errors,
            avg(s.latency_ms) FILTER (WHERE p.id IS NOT NULL)::float8 AS candidate_latency,
            avg(p.latency_ms)::float8 AS primary_latency,
            avg(s.latency_ms - p.latency_ms)::float8 AS latency_diff,
            avg(s.cost_micros) FILTER (WHERE p.id IS NOT NULL)::float8 AS candidate_cost,
            avg(p.cost_micros)::float8 AS primary_cost,
            avg(s.cost_micros - p.cost_micros)::float8 AS cost_diff
     FROM requests s
     LEFT JOIN requests p ON p.project_id = s.project_id AND p.id = s.shadow_of
     WHERE s.project_id = $1 AND s.shadow_of IS NOT NULL
       AND ($2::text IS NULL OR s.prompt_name = $2)
       AND ($3::text IS NULL OR s.prompt_version = $3)
     GROUP BY s.prompt_name, s.prompt_version
     ORDER BY s.prompt_name, s.prompt_version`,
    [projectId, filter.promptName ?? null, filter.candidateVersion ?? null],
  );
  return rows.map((row) => ({
    promptName: row.prompt_name,
    candidateVersion: row.candidate_version ?? "(none)",
    shadows: row.shadows,
    paired: row.paired,
    candidateErrorRate: row.paired > 0 ? row.candidate_errors / row.paired : null,
    primaryErrorRate: row.paired > 0 ? row.primary_errors / row.paired : null,
    candidateMeanLatencyMs: row.candidate_latency,
    primaryMeanLatencyMs: row.primary_latency,
    meanLatencyDiffMs: row.latency_diff,
    candidateMeanCostMicros: row.candidate_cost,
    primaryMeanCostMicros: row.primary_cost,
    meanCostDiffMicros: row.cost_diff,
  }));
}

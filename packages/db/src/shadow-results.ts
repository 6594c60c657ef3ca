import type { JsonValue } from "@loopkit/core";
import type { Queryable } from "./database.js";

/** The judged comparison of a shadow run with the production request it ran beside. */
export interface ShadowResult {
  shadowRequestId: string;
  productionRequestId: string;
  promptName?: string | null;
  candidateVersion: string;
  productionVersion?: string | null;
  winner: "candidate" | "production" | "tie" | null;
  score?: number | null;
  judgment?: JsonValue | null;
}

/** Stores a shadow result; a second result for the same shadow run is ignored. */
export async function recordShadowResult(
  db: Queryable,
  projectId: string,
  result: ShadowResult,
): Promise<"accepted" | "duplicate"> {
  const rows = await db.query(
    `INSERT INTO shadow_results (project_id, shadow_request_id, production_request_id, prompt_name,
       candidate_version, production_version, winner, score, judgment)
     VALUES ($1, $2::uuid, $3::uuid, $4, $5, $6, $7, $8, $9::jsonb)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [
      projectId,
      result.shadowRequestId,
      result.productionRequestId,
      result.promptName ?? null,
      result.candidateVersion,
      result.productionVersion ?? null,
      result.winner,
      result.score ?? null,
      result.judgment === undefined || result.judgment === null
        ? null
        : JSON.stringify(result.judgment),
    ],
  );
  return rows.length > 0 ? "accepted" : "duplicate";
}

/** Wins, losses and ties of a candidate version against production, computed in SQL. */
export interface ShadowSummary {
  candidateVersion: string;
  compared: number;
  candidateWins: number;
  productionWins: number;
  ties: number;
  meanScore: number | null;
}

/** Shadow results per candidate version of a project (optionally of one prompt). */
export async function shadowSummaries(
  db: Queryable,
  projectId: string,
  filter: { promptName?: string } = {},
): Promise<ShadowSummary[]> {
  const rows = await db.query<{
    candidate_version: string;
    compared: number;
    candidate_wins: number;
    production_wins: number;
    ties: number;
    mean_score: number | null;
  }>(
    `SELECT candidate_version,
            count(winner)::int AS compared,
            count(*) FILTER (WHERE winner = 'candidate')::int AS candidate_wins,
            count(*) FILTER (WHERE winner = 'production')::int AS production_wins,
            count(*) FILTER (WHERE winner = 'tie')::int AS ties,
            avg(score)::float8 AS mean_score
     FROM shadow_results
     WHERE project_id = $1 AND ($2::text IS NULL OR prompt_name = $2)
     GROUP BY candidate_version ORDER BY candidate_version`,
    [projectId, filter.promptName ?? null],
  );
  return rows.map((row) => ({
    candidateVersion: row.candidate_version,
    compared: row.compared,
    candidateWins: row.candidate_wins,
    productionWins: row.production_wins,
    ties: row.ties,
    meanScore: row.mean_score,
  }));
}

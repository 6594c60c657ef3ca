import type { EvaluationItem, EvaluationRun } from "@loopkit/core";

/** Columns selected for a run, progress included (see {@link toEvaluationRun}). */
export const RUN_COLUMNS = `
  r.project_id, r.id::text AS id, r.name, r.kind, r.status, r.judge_config, r.versions,
  r.budget_usd, r.concurrency, r.auto_resume, r.error, r.metadata, r.created_at, r.started_at, r.finished_at,
  p.total, p.pending, p.running, p.done, p.failed, p.cached, p.cost_usd, p.input_tokens,
  p.output_tokens`;

/** Lateral join computing a run's progress from its items. */
export const RUN_PROGRESS_JOIN = `
  LEFT JOIN LATERAL (
    SELECT count(*)::int AS total,
           count(*) FILTER (WHERE i.status = 'pending')::int AS pending,
           count(*) FILTER (WHERE i.status = 'running')::int AS running,
           count(*) FILTER (WHERE i.status = 'done')::int AS done,
           count(*) FILTER (WHERE i.status = 'failed')::int AS failed,
           count(*) FILTER (WHERE i.cached)::int AS cached,
           coalesce(sum(i.cost_usd), 0)::float8 AS cost_usd,
           coalesce(sum(i.input_tokens), 0)::float8 AS input_tokens,
           coalesce(sum(i.output_tokens), 0)::float8 AS output_tokens
      FROM evaluation_items i
     WHERE i.project_id = r.project_id AND i.run_id = r.id
  ) p ON true`;

type Row = Record<string, unknown>;

const asDate = (value: unknown): Date | null =>
  value == null ? null : value instanceof Date ? value : new Date(String(value));

/** Maps a row selected with {@link RUN_COLUMNS}. */
export function toEvaluationRun(row: Row): EvaluationRun {
  return {
    projectId: String(row.project_id),
    id: String(row.id),
    name: (row.name as string | null) ?? null,
    kind: row.kind as EvaluationRun["kind"],
    status: row.status as EvaluationRun["status"],
    judgeConfig: row.judge_config as Record<string, unknown>,
    versions: row.versions as string[],
    budgetUsd: row.budget_usd == null ? null : Number(row.budget_usd),
    concurrency: row.concurrency == null ? null : Number(row.concurrency),
    autoResume: Boolean(row.auto_resume),
    error: (row.error as string | null) ?? null,
    metadata: (row.metadata as Record<string, unknown>) ?? {},
    createdAt: asDate(row.created_at)!,
    startedAt: asDate(row.started_at),
    finishedAt: asDate(row.finished_at),
    progress: {
      total: Number(row.total ?? 0),
      pending: Number(row.pending ?? 0),
      running: Number(row.running ?? 0),
      done: Number(row.done ?? 0),
      failed: Number(row.failed ?? 0),
      cached: Number(row.cached ?? 0),
      costUsd: Number(row.cost_usd ?? 0),
      inputTokens: Number(row.input_tokens ?? 0),
      outputTokens: Number(row.output_tokens ?? 0),
    },
  };
}

/** Columns selected for an item. */
export const ITEM_COLUMNS = `item_index, version, baseline_version, request_id, input, outputs,
  expected, human_rating, status, attempts, cached, judgment, cost_usd, error`;

/** Maps a row selected with {@link ITEM_COLUMNS}. */
export function toEvaluationItem(row: Row): EvaluationItem {
  return {
    itemIndex: Number(row.item_index),
    version: String(row.version),
    baselineVersion: (row.baseline_version as string | null) ?? null,
    requestId: (row.request_id as string | null) ?? null,
    input: row.input,
    outputs: row.outputs as Record<string, unknown>,
    expected: row.expected ?? null,
    humanRating: row.human_rating == null ? null : Number(row.human_rating),
    status: row.status as EvaluationItem["status"],
    attempts: Number(row.attempts),
    cached: Boolean(row.cached),
    judgment: row.judgment ?? null,
    costUsd: Number(row.cost_usd),
    error: (row.error as string | null) ?? null,
  };
}

/**
 * The baseline of `versionAggregates` + `compareVersions` (issue 7): the same comparison computed
 * in JS from the project's rows, fetched with plain SELECTs. Bench-only SQL, like the COPY
 * baseline: Loopkit itself never reads a project's feedback rows to compare versions.
 */
import { type Database, NO_VERSION } from "@loopkit/db";
import {
  compareVersions,
  type RequestFeedback,
  type RequestRecord,
  type VersionComparison,
} from "@loopkit/metrics";

/** A request row as {@link fetchPromptRows} selects it. */
export interface FetchedRequestRow {
  id: string;
  prompt_version: string | null;
  status: "ok" | "error";
  cost: number | null;
  latency_ms: number | null;
  user_hash: string | null;
  shadow: boolean;
}

/** A feedback row as {@link fetchPromptRows} selects it, in arrival (`ts`, `id`) order. */
export interface FetchedFeedbackRow {
  request_id: string;
  name: string;
  value_number: number | null;
  value_bool: boolean | null;
  value_text: string | null;
  scale_min: number | null;
  scale_max: number | null;
}

/** The rows the JS path reads: one prompt's requests, and the project's request feedback. */
export interface FetchedRows {
  requests: FetchedRequestRow[];
  feedback: FetchedFeedbackRow[];
}

/**
 * Reads the prompt's requests and the project's feedback on requests, oldest feedback first
 * (the order the rollups take the latest of each signal by). Feedback on other prompts'
 * requests is dropped by {@link toRequestRecords}.
 */
export async function fetchPromptRows(
  db: Database,
  projectId: string,
  promptName: string,
): Promise<FetchedRows> {
  const requests = await db.query<FetchedRequestRow>(
    `SELECT id, prompt_version, status, cost_micros::float8 AS cost, latency_ms, user_hash,
            shadow_of IS NOT NULL AS shadow
     FROM requests WHERE project_id = $1 AND prompt_name = $2`,
    [projectId, promptName],
  );
  const feedback = await db.query<FetchedFeedbackRow>(
    `SELECT request_id, name, value_number, value_bool, value_text, scale_min, scale_max
     FROM feedback WHERE project_id = $1 AND request_id IS NOT NULL
     ORDER BY ts, id`,
    [projectId],
  );
  return { requests, feedback };
}

/**
 * One `RequestRecord` per fetched request, with its feedback in the order fetched; a request
 * without a prompt version gets `NO_VERSION`, as `versionAggregates` labels it.
 */
export function toRequestRecords(rows: FetchedRows): RequestRecord[] {
  const byId = new Map<string, RequestRecord>();
  for (const r of rows.requests) {
    byId.set(r.id, {
      version: r.prompt_version ?? NO_VERSION,
      status: r.status,
      costMicros: r.cost,
      latencyMs: r.latency_ms,
      shadow: r.shadow,
      userHash: r.user_hash,
      feedback: [],
    });
  }
  for (const f of rows.feedback) {
    const record = byId.get(f.request_id);
    if (!record) continue;
    const feedback: RequestFeedback = {
      name: f.name,
      value: f.value_number ?? f.value_bool ?? f.value_text,
    };
    if (f.scale_min !== null && f.scale_max !== null) {
      feedback.scale = { min: f.scale_min, max: f.scale_max };
    }
    record.feedback.push(feedback);
  }
  return [...byId.values()];
}

/** How long each step of one JS comparison took. */
export interface JsComparisonSteps {
  fetchMs: number;
  buildMs: number;
  computeMs: number;
}

/** One JS comparison from fetched rows: the result, the rows read and each step's time. */
export interface JsComparison {
  comparison: VersionComparison;
  requestRows: number;
  feedbackRows: number;
  steps: JsComparisonSteps;
}

/**
 * Fetches the prompt's rows ({@link fetchPromptRows}), builds `RequestRecord`s and runs
 * `compareVersions` over them with its default options, as the SQL path calls it.
 */
export async function compareVersionsInJs(
  db: Database,
  projectId: string,
  promptName: string,
): Promise<JsComparison> {
  const start = performance.now();
  const rows = await fetchPromptRows(db, projectId, promptName);
  const fetched = performance.now();
  const records = toRequestRecords(rows);
  const built = performance.now();
  const comparison = compareVersions(records);
  const computed = performance.now();
  return {
    comparison,
    requestRows: rows.requests.length,
    feedbackRows: rows.feedback.length,
    steps: { fetchMs: fetched - start, buildMs: built - fetched, computeMs: computed - built },
  };
}

/** What two comparisons must agree on: the baseline, each version's requests, each verdict. */
function verdictLines(comparison: VersionComparison): string[] {
  return [
    `baseline ${comparison.baseline}`,
    ...comparison.versions.map((v) => `${v.version}: ${v.requests} requests`),
    ...comparison.comparisons.map((c) => `${c.version} ${c.metric}: ${c.verdict}`),
  ].sort();
}

/**
 * Throws unless the two comparisons have the same baseline, requests per version and verdict
 * per version and metric (in any order): a check the SQL and JS paths computed the same thing.
 *
 * @throws {Error} naming what one has and the other lacks.
 */
export function assertSameVerdicts(sql: VersionComparison, js: VersionComparison): void {
  const fromSql = verdictLines(sql);
  const fromJs = verdictLines(js);
  const onlySql = fromSql.filter((line) => !fromJs.includes(line));
  const onlyJs = fromJs.filter((line) => !fromSql.includes(line));
  if (onlySql.length > 0 || onlyJs.length > 0) {
    throw new Error(
      `bench: compareVersions in SQL and in JS disagree. SQL only: ${onlySql.join("; ") || "–"}. JS only: ${onlyJs.join("; ") || "–"}`,
    );
  }
}

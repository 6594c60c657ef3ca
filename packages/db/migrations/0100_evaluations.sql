-- Offline evaluation runs of LLM judges (@loopkit/evaluator).
-- Every table starts its primary key with project_id so it can be distributed by project.

CREATE TABLE IF NOT EXISTS evaluation_runs (
  project_id   text        NOT NULL,
  id           uuid        NOT NULL,
  name         text,
  kind         text        NOT NULL CHECK (kind IN ('rubric', 'reference', 'pairwise')),
  status       text        NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending', 'running', 'paused', 'budget_exhausted', 'completed')),
  judge_config jsonb       NOT NULL,
  versions     jsonb       NOT NULL DEFAULT '[]',
  budget_usd   double precision CHECK (budget_usd IS NULL OR budget_usd >= 0),
  metadata     jsonb       NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz,
  PRIMARY KEY (project_id, id)
);

CREATE INDEX IF NOT EXISTS evaluation_runs_recent
  ON evaluation_runs (project_id, created_at DESC);

-- One row per item to judge; the judgment is written into the same row when it is done.
CREATE TABLE IF NOT EXISTS evaluation_items (
  project_id       text        NOT NULL,
  run_id           uuid        NOT NULL,
  item_index       integer     NOT NULL,
  version          text        NOT NULL,
  baseline_version text,
  request_id       text,
  input            jsonb       NOT NULL,
  outputs          jsonb       NOT NULL,
  expected         jsonb,
  human_rating     double precision,
  status           text        NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'running', 'done', 'failed')),
  attempts         integer     NOT NULL DEFAULT 0,
  lease_expires_at timestamptz,
  cache_key        text,
  cached           boolean     NOT NULL DEFAULT false,
  judgment         jsonb,
  cost_usd         double precision NOT NULL DEFAULT 0,
  input_tokens     integer     NOT NULL DEFAULT 0,
  output_tokens    integer     NOT NULL DEFAULT 0,
  error            text,
  judged_at        timestamptz,
  PRIMARY KEY (project_id, run_id, item_index),
  FOREIGN KEY (project_id, run_id) REFERENCES evaluation_runs (project_id, id) ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS evaluation_items_claimable
  ON evaluation_items (project_id, run_id, status, item_index);

-- Judgments (and regenerated outputs) by content hash of judge config + input + output(s),
-- so judging the same thing again costs nothing.
CREATE TABLE IF NOT EXISTS judge_cache (
  project_id text        NOT NULL,
  cache_key  text        NOT NULL,
  value      jsonb       NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, cache_key)
);

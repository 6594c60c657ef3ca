-- The event tables. requests and feedback grow with traffic: they are partitioned by month on
-- the event time (see loopkit_ensure_partitions in 0003), with a DEFAULT partition so that no
-- event is ever refused for its date. The primary key (project_id, ts, id) is the idempotency
-- key: a retried event carries the same id and timestamp, and ON CONFLICT DO NOTHING keeps the
-- first copy.

CREATE TABLE IF NOT EXISTS requests (
  project_id          text        NOT NULL,
  ts                  timestamptz NOT NULL,
  id                  uuid        NOT NULL,
  received_at         timestamptz NOT NULL DEFAULT now(),
  conversation_id     text,
  turn_index          integer,
  caller_request_id   text,
  user_hash           text,
  session_id          text,
  prompt_name         text,
  prompt_version      text,
  experiment_key      text,
  variant             text,
  model               text,
  provider            text,
  input               jsonb,
  output              jsonb,
  input_tokens        integer,
  output_tokens       integer,
  cached_input_tokens integer,
  tokens_estimated    boolean     NOT NULL DEFAULT false,
  cost_micros         bigint,
  latency_ms          double precision,
  time_to_first_token_ms double precision,
  status              text        NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'error')),
  error_message       text,
  tags                text[]      NOT NULL DEFAULT '{}',
  metadata            jsonb,
  shadow_of           uuid,
  PRIMARY KEY (project_id, ts, id)
) PARTITION BY RANGE (ts);

CREATE TABLE IF NOT EXISTS requests_default PARTITION OF requests DEFAULT;

CREATE INDEX IF NOT EXISTS requests_by_id ON requests (project_id, id);
CREATE INDEX IF NOT EXISTS requests_by_prompt
  ON requests (project_id, prompt_name, prompt_version, ts);
CREATE INDEX IF NOT EXISTS requests_by_experiment
  ON requests (project_id, experiment_key, variant, ts) WHERE experiment_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS requests_by_conversation
  ON requests (project_id, conversation_id, ts) WHERE conversation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS requests_by_shadow
  ON requests (project_id, shadow_of) WHERE shadow_of IS NOT NULL;
CREATE INDEX IF NOT EXISTS requests_tags ON requests USING gin (tags);

CREATE TABLE IF NOT EXISTS feedback (
  project_id      text        NOT NULL,
  ts              timestamptz NOT NULL,
  id              uuid        NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  request_id      uuid,
  conversation_id text,
  kind            text        NOT NULL CHECK (kind IN ('explicit', 'implicit', 'outcome')),
  name            text        NOT NULL,
  value_number    double precision,
  value_bool      boolean,
  value_text      text,
  scale_min       double precision,
  scale_max       double precision,
  edit_ratio      double precision CHECK (edit_ratio IS NULL OR edit_ratio BETWEEN 0 AND 1),
  comment         text,
  source          text        NOT NULL DEFAULT 'user'
                  CHECK (source IN ('user', 'api', 'judge', 'reviewer')),
  user_hash       text,
  session_id      text,
  metadata        jsonb,
  PRIMARY KEY (project_id, ts, id),
  CHECK (request_id IS NOT NULL OR conversation_id IS NOT NULL)
) PARTITION BY RANGE (ts);

CREATE TABLE IF NOT EXISTS feedback_default PARTITION OF feedback DEFAULT;

CREATE INDEX IF NOT EXISTS feedback_by_request
  ON feedback (project_id, request_id, name, ts) WHERE request_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS feedback_by_conversation
  ON feedback (project_id, conversation_id, ts) WHERE conversation_id IS NOT NULL;

-- Exposures: one row per logged exposure; counts are of distinct units.
CREATE TABLE IF NOT EXISTS exposures (
  project_id     text        NOT NULL,
  ts             timestamptz NOT NULL,
  id             uuid        NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now(),
  experiment_key text        NOT NULL,
  variant        text        NOT NULL,
  unit_hash      text        NOT NULL,
  metadata       jsonb,
  PRIMARY KEY (project_id, ts, id)
);

CREATE INDEX IF NOT EXISTS exposures_by_experiment
  ON exposures (project_id, experiment_key, variant, unit_hash);

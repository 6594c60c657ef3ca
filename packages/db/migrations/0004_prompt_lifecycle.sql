-- Prompt versions and their lifecycle, experiments, human approvals, the append-only audit
-- log, and the results of shadow runs.

CREATE TABLE IF NOT EXISTS prompt_versions (
  project_id  text        NOT NULL,
  prompt_name text        NOT NULL,
  version     text        NOT NULL,
  template    text,
  model       text,
  params      jsonb,
  status      text        NOT NULL DEFAULT 'draft'
              CHECK (status IN ('draft', 'shadow', 'experiment', 'production', 'retired')),
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, prompt_name, version)
);

-- At most one production version per prompt.
CREATE UNIQUE INDEX IF NOT EXISTS prompt_versions_one_production
  ON prompt_versions (project_id, prompt_name) WHERE status = 'production';

CREATE TABLE IF NOT EXISTS experiments (
  project_id  text        NOT NULL,
  key         text        NOT NULL,
  config      jsonb       NOT NULL,
  status      text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'stopped')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  started_at  timestamptz,
  stopped_at  timestamptz,
  PRIMARY KEY (project_id, key)
);

CREATE TABLE IF NOT EXISTS approvals (
  project_id   text        NOT NULL,
  id           uuid        NOT NULL,
  subject_type text        NOT NULL CHECK (subject_type IN ('prompt_version', 'experiment')),
  subject_key  text        NOT NULL,
  action       text        NOT NULL,
  requested_by text        NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now(),
  status       text        NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending', 'approved', 'rejected')),
  decided_by   text,
  decided_at   timestamptz,
  comment      text,
  PRIMARY KEY (project_id, id),
  CHECK ((status = 'pending') = (decided_at IS NULL))
);

CREATE INDEX IF NOT EXISTS approvals_by_subject
  ON approvals (project_id, subject_type, subject_key, requested_at);

CREATE TABLE IF NOT EXISTS audit_log (
  project_id   text        NOT NULL,
  id           bigint      GENERATED ALWAYS AS IDENTITY,
  at           timestamptz NOT NULL DEFAULT now(),
  actor        text        NOT NULL,
  action       text        NOT NULL,
  subject_type text        NOT NULL,
  subject_key  text        NOT NULL,
  details      jsonb       NOT NULL DEFAULT '{}',
  PRIMARY KEY (project_id, id)
);

-- The audit log is append-only: rows can be inserted, never changed or removed.
CREATE OR REPLACE FUNCTION loopkit_audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION loopkit_audit_log_is_append_only();
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION loopkit_audit_log_is_append_only();

-- A shadow run: the candidate's request (a requests row with shadow_of set) compared with the
-- production request it ran beside.
CREATE TABLE IF NOT EXISTS shadow_results (
  project_id            text        NOT NULL,
  shadow_request_id     uuid        NOT NULL,
  production_request_id uuid        NOT NULL,
  prompt_name           text,
  candidate_version     text        NOT NULL,
  production_version    text,
  winner                text        CHECK (winner IN ('candidate', 'production', 'tie')),
  score                 double precision,
  judgment              jsonb,
  created_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, shadow_request_id)
);

CREATE INDEX IF NOT EXISTS shadow_results_by_version
  ON shadow_results (project_id, prompt_name, candidate_version, created_at);

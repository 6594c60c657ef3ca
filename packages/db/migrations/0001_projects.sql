-- Projects and their API keys. Keys are hashed by the server: only the hash and a short
-- display prefix are stored, never the key itself.

CREATE TABLE IF NOT EXISTS projects (
  id             text        PRIMARY KEY,
  name           text        NOT NULL CHECK (length(name) BETWEEN 1 AND 256),
  created_at     timestamptz NOT NULL DEFAULT now(),
  redact_pii     boolean     NOT NULL DEFAULT true,
  retention_days integer     CHECK (retention_days IS NULL OR retention_days > 0)
);

CREATE TABLE IF NOT EXISTS api_keys (
  project_id   text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  id           text        NOT NULL,
  kind         text        NOT NULL CHECK (kind IN ('public', 'secret')),
  key_hash     text        NOT NULL,
  prefix       text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  last_used_at timestamptz,
  PRIMARY KEY (project_id, id)
);

CREATE UNIQUE INDEX IF NOT EXISTS api_keys_key_hash ON api_keys (key_hash);

-- Audit entry ids counted per project. They were one identity sequence across all projects, so
-- the gap between two of a project's ids counted the entries every other project made in
-- between. Now each project numbers its own entries 1, 2, 3, … from audit_log_counters,
-- incremented by a trigger in the inserting transaction: a rolled-back entry takes no number,
-- so a project's ids have no gaps and tell nothing of other projects. The counter row stays
-- locked until the transaction ends, which serialises one project's audit entries (few, and
-- recorded last in their transaction) and no one else's.

CREATE TABLE IF NOT EXISTS audit_log_counters (
  project_id text   PRIMARY KEY,
  last_id    bigint NOT NULL CHECK (last_id > 0)
);

ALTER TABLE audit_log ALTER COLUMN id DROP IDENTITY IF EXISTS;

-- The entries recorded so far are renumbered per project in their order, so their ids stop
-- revealing other projects too. This migration is the one sanctioned rewrite of the append-only
-- log: only the id changes, and only here.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
-- First out of the way of the new numbers (the key is (project_id, id)), then 1, 2, 3, … in
-- the entries' order (negated, their original order is descending).
UPDATE audit_log SET id = -id;
UPDATE audit_log a SET id = numbered.n
FROM (
  SELECT project_id, id, row_number() OVER (PARTITION BY project_id ORDER BY id DESC) AS n
  FROM audit_log
) numbered
WHERE a.project_id = numbered.project_id AND a.id = numbered.id;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;

INSERT INTO audit_log_counters (project_id, last_id)
SELECT project_id, max(id) FROM audit_log GROUP BY project_id
ON CONFLICT (project_id) DO NOTHING;

-- Gives each new entry the next number of its project, whatever id the INSERT named.
CREATE OR REPLACE FUNCTION loopkit_audit_log_next_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_log_counters AS c (project_id, last_id) VALUES (NEW.project_id, 1)
  ON CONFLICT (project_id) DO UPDATE SET last_id = c.last_id + 1
  RETURNING c.last_id INTO NEW.id;
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS audit_log_numbered ON audit_log;
CREATE TRIGGER audit_log_numbered BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION loopkit_audit_log_next_id();

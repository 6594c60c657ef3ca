-- Per-user totals of each prompt version, kept from request_rollups at ingest, so that
-- versionAggregates of a prompt (no time range, tags, buckets or variants) sums one row per user
-- instead of grouping every request by user (that statement: 180–200 ms instead of 370–380 at
-- 62,500 users × 4 requests; packages/db/README.md).
--
-- A row holds, for the counted requests (logged, not shadow runs) of one user under one prompt
-- version, the level-one totals versionAggregates' per-user statement computes: counts as
-- integers and sums as numeric, so that adding and subtracting changes never drifts. Requests
-- without a user id (each its own unit) or without a prompt name (never selected by one) are
-- left out; versionAggregates reads those from request_rollups. prompt_version is '(none)' for
-- requests without one, the label versionAggregates gives them (NO_VERSION), which groups them
-- with a version of that name exactly as its per-user statement does.
CREATE TABLE IF NOT EXISTS user_rollups (
  project_id     text    NOT NULL,
  prompt_name    text    NOT NULL,
  prompt_version text    NOT NULL,
  user_hash      text    NOT NULL,
  requests       integer NOT NULL,
  errors         integer NOT NULL,
  outcomes       integer NOT NULL,
  successes      integer NOT NULL,
  rated          integer NOT NULL,
  rating_sum     numeric NOT NULL,
  thumbs         integer NOT NULL,
  thumbs_up      integer NOT NULL,
  copied         integer NOT NULL,
  regenerated    integer NOT NULL,
  edited         integer NOT NULL,
  abandoned      integer NOT NULL,
  flagged        integer NOT NULL,
  costed         integer NOT NULL,
  cost_sum       numeric NOT NULL,
  PRIMARY KEY (project_id, prompt_name, prompt_version, user_hash)
);

-- The statement that adds to user_rollups the totals of `p_changes`, a query of request_rollups
-- rows with a `sign` column (1: the row's contribution is added, −1: subtracted), summed per user
-- key. Keys whose totals do not change are skipped; the others are upserted in key order, so
-- concurrent batches lock shared users' rows in one order and cannot deadlock on them. A rating
-- enters the sum as float8::numeric (15 significant digits, the same value every time), which is
-- what makes its subtraction exact.
CREATE OR REPLACE FUNCTION loopkit_user_rollups_upsert(p_changes text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT format($sql$
    WITH delta AS (
      SELECT project_id, prompt_name, coalesce(prompt_version, '(none)') AS prompt_version,
             user_hash,
             sum(sign)::int AS requests,
             sum(sign * is_error::int)::int AS errors,
             sum(sign * (outcome IS NOT NULL)::int)::int AS outcomes,
             sum(sign * (outcome IS TRUE)::int)::int AS successes,
             sum(sign * (rating IS NOT NULL)::int)::int AS rated,
             sum(sign * coalesce(rating::numeric, 0)) AS rating_sum,
             sum(sign * (thumbs IS NOT NULL)::int)::int AS thumbs,
             sum(sign * (thumbs IS TRUE)::int)::int AS thumbs_up,
             sum(sign * (copied IS TRUE)::int)::int AS copied,
             sum(sign * (regenerated IS TRUE)::int)::int AS regenerated,
             sum(sign * (edited IS TRUE)::int)::int AS edited,
             sum(sign * (abandoned IS TRUE)::int)::int AS abandoned,
             sum(sign * CASE WHEN flags = '{}'::jsonb THEN 0
                             ELSE loopkit_is_flagged(flags)::int END)::int AS flagged,
             sum(sign * (cost_micros IS NOT NULL)::int)::int AS costed,
             sum(sign * coalesce(cost_micros, 0)::numeric) AS cost_sum
      FROM (%s) changes
      WHERE has_request AND NOT shadow AND user_hash IS NOT NULL AND prompt_name IS NOT NULL
      GROUP BY 1, 2, 3, 4
    )
    INSERT INTO user_rollups AS u
    SELECT * FROM delta
    WHERE (requests, errors, outcomes, successes, rated, rating_sum, thumbs, thumbs_up, copied,
           regenerated, edited, abandoned, flagged, costed, cost_sum)
       <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    ORDER BY project_id, prompt_name, prompt_version, user_hash
    ON CONFLICT (project_id, prompt_name, prompt_version, user_hash) DO UPDATE SET
      requests = u.requests + excluded.requests,
      errors = u.errors + excluded.errors,
      outcomes = u.outcomes + excluded.outcomes,
      successes = u.successes + excluded.successes,
      rated = u.rated + excluded.rated,
      rating_sum = u.rating_sum + excluded.rating_sum,
      thumbs = u.thumbs + excluded.thumbs,
      thumbs_up = u.thumbs_up + excluded.thumbs_up,
      copied = u.copied + excluded.copied,
      regenerated = u.regenerated + excluded.regenerated,
      edited = u.edited + excluded.edited,
      abandoned = u.abandoned + excluded.abandoned,
      flagged = u.flagged + excluded.flagged,
      costed = u.costed + excluded.costed,
      cost_sum = u.cost_sum + excluded.cost_sum
  $sql$, p_changes)
$$;

-- Keeps user_rollups current with every change of request_rollups, in the changing statement's
-- transaction: each old row's contribution subtracted, each new row's added. A user whose totals
-- come to zero requests (all of them deleted, by retention) loses the row: it would keep their
-- hashed id past the retention of every request it counted.
--
-- The function is written out here from loopkit_user_rollups_upsert's statement, once per kind
-- of change, so that its statements are static and PL/pgSQL keeps their plans (per trigger):
-- built and run with EXECUTE, the statement was planned again for every batch, 2.5 of the 4 ms a
-- batch of 100 requests spent in the trigger.
DO $$ BEGIN
  EXECUTE format($ddl$
    CREATE OR REPLACE FUNCTION loopkit_follow_request_rollups() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        %s;
      ELSE
        IF TG_OP = 'UPDATE' THEN
          %s;
        ELSE
          %s;
        END IF;
        DELETE FROM user_rollups u USING old_rows o
        WHERE u.project_id = o.project_id AND u.prompt_name = o.prompt_name
          AND u.prompt_version = coalesce(o.prompt_version, '(none)')
          AND u.user_hash = o.user_hash AND u.requests = 0;
      END IF;
      RETURN NULL;
    END
    $fn$ $ddl$,
    loopkit_user_rollups_upsert('SELECT 1 AS sign, * FROM new_rows'),
    loopkit_user_rollups_upsert(
      'SELECT -1 AS sign, * FROM old_rows UNION ALL SELECT 1, * FROM new_rows'),
    loopkit_user_rollups_upsert('SELECT -1 AS sign, * FROM old_rows'));
END $$;

-- One trigger per event: PostgreSQL gives transition tables only to single-event triggers.
DROP TRIGGER IF EXISTS user_rollups_on_insert ON request_rollups;
CREATE TRIGGER user_rollups_on_insert AFTER INSERT ON request_rollups
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION loopkit_follow_request_rollups();
DROP TRIGGER IF EXISTS user_rollups_on_update ON request_rollups;
CREATE TRIGGER user_rollups_on_update AFTER UPDATE ON request_rollups
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION loopkit_follow_request_rollups();
DROP TRIGGER IF EXISTS user_rollups_on_delete ON request_rollups;
CREATE TRIGGER user_rollups_on_delete AFTER DELETE ON request_rollups
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION loopkit_follow_request_rollups();

-- Totals of the request rollups stored before this migration.
DO $$ BEGIN
  EXECUTE loopkit_user_rollups_upsert('SELECT 1 AS sign, * FROM request_rollups');
END $$;

-- Per-user totals (user_rollups, migration 0008) folded behind ingest instead of inside it.
--
-- Until now every statement that changed request_rollups upserted its users' totals in the same
-- transaction, under per-user advisory locks (0009): a fifth of insertEvents' time (113 µs per
-- row with those triggers disabled, 142 with them; packages/db/README.md). Now the trigger only
-- appends each statement's net change per user to user_rollup_changes, a heap without indexes
-- that no other writer touches, so ingest takes no user locks and cannot deadlock on users.
-- loopkit_fold_user_rollups() moves the appended changes into user_rollups; maintenance runs it
-- every few seconds (and retention at its end). A reader of user_rollups adds the changes not
-- yet folded (versionAggregates does), so totals are exact at every moment.

CREATE TABLE IF NOT EXISTS user_rollup_changes (
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
  cost_sum       numeric NOT NULL
);

-- The query of the net change per user key of `p_rows`, a query of request_rollups rows with a
-- `sign` column (1: the row's contribution is added, −1: subtracted); keys whose totals do not
-- change are left out. Counted are logged requests (not shadow runs) with a user id and a prompt
-- name; prompt_version is '(none)' for requests without one (versionAggregates' NO_VERSION). A
-- rating enters the sum as float8::numeric (15 significant digits, the same value every time),
-- which is what makes its subtraction exact.
CREATE OR REPLACE FUNCTION loopkit_user_rollup_delta(p_rows text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT format($sql$
    SELECT * FROM (
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
    ) delta
    WHERE (requests, errors, outcomes, successes, rated, rating_sum, thumbs, thumbs_up, copied,
           regenerated, edited, abandoned, flagged, costed, cost_sum)
       <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
  $sql$, p_rows)
$$;

-- The trigger of 0008, now appending instead of upserting. Its statements are written out here
-- once per kind of change, so that they are static and PL/pgSQL keeps their plans (built and
-- run with EXECUTE, a statement is planned again for every batch).
DO $$ BEGIN
  EXECUTE format($ddl$
    CREATE OR REPLACE FUNCTION loopkit_follow_request_rollups() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO user_rollup_changes %s;
      ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO user_rollup_changes %s;
      ELSE
        INSERT INTO user_rollup_changes %s;
      END IF;
      RETURN NULL;
    END
    $fn$ $ddl$,
    loopkit_user_rollup_delta('SELECT 1 AS sign, * FROM new_rows'),
    loopkit_user_rollup_delta(
      'SELECT -1 AS sign, * FROM old_rows UNION ALL SELECT 1, * FROM new_rows'),
    loopkit_user_rollup_delta('SELECT -1 AS sign, * FROM old_rows'));
END $$;

-- 0009's locks ordered concurrent upserts of users' totals; nothing upserts them at ingest now.
DROP TRIGGER IF EXISTS user_rollups_lock_on_insert ON request_rollups;
DROP TRIGGER IF EXISTS user_rollups_lock_on_update ON request_rollups;
DROP TRIGGER IF EXISTS user_rollups_lock_on_delete ON request_rollups;
DROP FUNCTION IF EXISTS loopkit_lock_followed_users();
DROP FUNCTION IF EXISTS loopkit_lock_user_rollups(text[], text[], text[], text[]);
DROP FUNCTION IF EXISTS loopkit_user_rollups_upsert(text);

-- Moves the changes appended so far into user_rollups, in one transaction: the changes it reads
-- are deleted by the same statement that adds them up, so a change is folded exactly once, and
-- one appended meanwhile waits for the next fold. Users left without requests (all of them
-- deleted, by retention) lose their row: it would keep their hashed id past the retention of
-- every request it counted. One fold at a time (a transaction-scoped advisory lock; an arbitrary
-- key, apart from Loopkit's other locks); returns the changes folded, or -1 when another fold
-- was running.
CREATE OR REPLACE FUNCTION loopkit_fold_user_rollups() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  folded integer;
  emptied_projects text[];
  emptied_prompts text[];
  emptied_versions text[];
  emptied_users text[];
BEGIN
  IF NOT pg_try_advisory_xact_lock(20260010) THEN
    RETURN -1;
  END IF;
  WITH taken AS (
    DELETE FROM user_rollup_changes RETURNING *
  ), delta AS (
    SELECT project_id, prompt_name, prompt_version, user_hash, count(*) AS changes,
           sum(requests)::int AS requests, sum(errors)::int AS errors,
           sum(outcomes)::int AS outcomes, sum(successes)::int AS successes,
           sum(rated)::int AS rated, sum(rating_sum) AS rating_sum, sum(thumbs)::int AS thumbs,
           sum(thumbs_up)::int AS thumbs_up, sum(copied)::int AS copied,
           sum(regenerated)::int AS regenerated, sum(edited)::int AS edited,
           sum(abandoned)::int AS abandoned, sum(flagged)::int AS flagged,
           sum(costed)::int AS costed, sum(cost_sum) AS cost_sum
    FROM taken
    GROUP BY 1, 2, 3, 4
  ), upserted AS (
    INSERT INTO user_rollups AS u
    SELECT project_id, prompt_name, prompt_version, user_hash, requests, errors, outcomes,
           successes, rated, rating_sum, thumbs, thumbs_up, copied, regenerated, edited,
           abandoned, flagged, costed, cost_sum
    FROM delta
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
    RETURNING project_id, prompt_name, prompt_version, user_hash, requests
  )
  SELECT (SELECT coalesce(sum(changes), 0) FROM delta)::int,
         array_agg(project_id), array_agg(prompt_name), array_agg(prompt_version),
         array_agg(user_hash)
  INTO folded, emptied_projects, emptied_prompts, emptied_versions, emptied_users
  FROM upserted
  WHERE requests = 0;
  DELETE FROM user_rollups u
  USING unnest(emptied_projects, emptied_prompts, emptied_versions, emptied_users)
    AS e(project_id, prompt_name, prompt_version, user_hash)
  WHERE u.project_id = e.project_id AND u.prompt_name = e.prompt_name
    AND u.prompt_version = e.prompt_version AND u.user_hash = e.user_hash AND u.requests = 0;
  RETURN folded;
END
$$;

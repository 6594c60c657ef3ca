-- Advisory locks that order every writer of user_rollups (migration 0008), so that concurrent
-- batches cannot deadlock on users' totals.
--
-- Ordering the upsert of one statement is not enough: a batch of events is two statements in
-- one transaction (its requests, then its feedback), each locking the totals of its own users.
-- A batch that logs a request of user 2 and rates one of user 1 holds user 2's totals while it
-- waits for user 1's, which another batch (a request of user 1, then of user 2) holds while it
-- waits for user 2's: PostgreSQL aborts one with 40P01, and a batch of requests alone (one
-- statement, not retried) fails. So before touching any user's totals, a writer locks each
-- user's bucket, in bucket order: insertEvents all its batch's users up front, and the trigger
-- below each statement's users (again, harmlessly, within such a batch; first, for a statement
-- on its own such as retention's delete). Totals are then only written under a lock taken in one
-- global order.
--
-- Keys are hashed into 1024 buckets: a retention batch of 5,000 requests must not take 5,000
-- locks (the shared lock table holds 64 per connection by default); two users in one bucket only
-- wait for each other. The first key (an arbitrary constant) keeps these locks apart from the
-- other advisory locks of Loopkit, which use the one-key form.
CREATE OR REPLACE FUNCTION loopkit_lock_user_rollups(
  p_project_ids text[],
  p_prompt_names text[],
  p_prompt_versions text[],
  p_user_hashes text[]
) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  -- The sorted subquery is read in order, so the locks are taken in bucket order.
  PERFORM pg_advisory_xact_lock(20260008, bucket)
  FROM (
    SELECT DISTINCT (hashtext(jsonb_build_array(project_id, prompt_name,
                                                coalesce(prompt_version, '(none)'),
                                                user_hash)::text) & 1023) AS bucket
    FROM unnest(p_project_ids, p_prompt_names, p_prompt_versions, p_user_hashes)
      AS k(project_id, prompt_name, prompt_version, user_hash)
    WHERE prompt_name IS NOT NULL AND user_hash IS NOT NULL
    ORDER BY bucket
  ) buckets;
END
$$;

-- Locks the users whose totals a statement on request_rollups changes, before the trigger of
-- migration 0008 changes them: triggers of one event fire in the alphabetical order of their
-- names, and user_rollups_lock_… sorts before user_rollups_on_….
CREATE OR REPLACE FUNCTION loopkit_lock_followed_users() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM loopkit_lock_user_rollups(array_agg(project_id), array_agg(prompt_name),
                                      array_agg(prompt_version), array_agg(user_hash))
    FROM new_rows WHERE has_request AND NOT shadow;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM loopkit_lock_user_rollups(array_agg(project_id), array_agg(prompt_name),
                                      array_agg(prompt_version), array_agg(user_hash))
    FROM (SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows) changed
    WHERE has_request AND NOT shadow;
  ELSE
    PERFORM loopkit_lock_user_rollups(array_agg(project_id), array_agg(prompt_name),
                                      array_agg(prompt_version), array_agg(user_hash))
    FROM old_rows WHERE has_request AND NOT shadow;
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS user_rollups_lock_on_insert ON request_rollups;
CREATE TRIGGER user_rollups_lock_on_insert AFTER INSERT ON request_rollups
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION loopkit_lock_followed_users();
DROP TRIGGER IF EXISTS user_rollups_lock_on_update ON request_rollups;
CREATE TRIGGER user_rollups_lock_on_update AFTER UPDATE ON request_rollups
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION loopkit_lock_followed_users();
DROP TRIGGER IF EXISTS user_rollups_lock_on_delete ON request_rollups;
CREATE TRIGGER user_rollups_lock_on_delete AFTER DELETE ON request_rollups
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION loopkit_lock_followed_users();

-- One row per logged request with the latest value of each feedback signal VersionAggregate
-- counts, kept current by insertEvents in the same transaction as the events. versionAggregates
-- reads only this table: one narrow row per request instead of a join of requests with all
-- their feedback, so it stays fast at millions of feedback rows.
--
-- A row can be made by feedback that arrived before its request (has_request false, not
-- counted); the request fills in its columns when it comes. Each signal keeps the time of the
-- feedback it came from, so a later feedback replaces it and an older one never does. Safety
-- flags keep one entry per flag name: {"flag.pii": ["<time>", true], ...}.

CREATE TABLE IF NOT EXISTS request_rollups (
  project_id       text        NOT NULL,
  request_id       uuid        NOT NULL,
  has_request      boolean     NOT NULL DEFAULT false,
  ts               timestamptz NOT NULL,
  prompt_name      text,
  prompt_version   text,
  experiment_key   text,
  variant          text,
  tags             text[]      NOT NULL DEFAULT '{}',
  shadow           boolean     NOT NULL DEFAULT false,
  is_error         boolean     NOT NULL DEFAULT false,
  cost_micros      bigint,
  latency_ms       double precision,
  outcome          boolean,
  outcome_ts       timestamptz,
  rating           double precision,
  rating_ts        timestamptz,
  thumbs           boolean,
  thumbs_ts        timestamptz,
  copied           boolean,
  copied_ts        timestamptz,
  regenerated      boolean,
  regenerated_ts   timestamptz,
  edited           boolean,
  edited_ts        timestamptz,
  abandoned        boolean,
  abandoned_ts     timestamptz,
  flags            jsonb       NOT NULL DEFAULT '{}',
  PRIMARY KEY (project_id, request_id)
);

CREATE INDEX IF NOT EXISTS request_rollups_by_time ON request_rollups (project_id, ts);

-- Merges two flag maps, keeping for each flag name the entry with the later time.
CREATE OR REPLACE FUNCTION loopkit_merge_flags(p_old jsonb, p_new jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb)
  FROM (
    SELECT DISTINCT ON (key) key, value
    FROM (SELECT * FROM jsonb_each(p_old) UNION ALL SELECT * FROM jsonb_each(p_new)) entries
    ORDER BY key, (value->>0)::timestamptz DESC
  ) latest
$$;

-- Whether a flag map holds a raised flag.
CREATE OR REPLACE FUNCTION loopkit_is_flagged(p_flags jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT p_flags <> '{}'::jsonb
     AND EXISTS (SELECT 1 FROM jsonb_each(p_flags) WHERE (value->>1)::boolean)
$$;

-- Rollups of the requests and feedback stored before this migration.
INSERT INTO request_rollups (project_id, request_id, has_request, ts, prompt_name, prompt_version,
  experiment_key, variant, tags, shadow, is_error, cost_micros, latency_ms)
SELECT DISTINCT ON (project_id, id) project_id, id, true, ts, prompt_name, prompt_version,
  experiment_key, variant, tags, shadow_of IS NOT NULL, status = 'error', cost_micros, latency_ms
FROM requests
ORDER BY project_id, id, ts
ON CONFLICT DO NOTHING;

-- Folds feedback events (given as parallel arrays) into the rollups of their requests: per
-- request and signal the latest feedback of the batch, merged so that an older feedback never
-- replaces a newer one already rolled up. Feedback without a request id, and names that are no
-- signal, are ignored.
CREATE OR REPLACE FUNCTION loopkit_rollup_feedback(
  p_project_id text,
  p_request_ids uuid[],
  p_names text[],
  p_ts timestamptz[],
  p_ids uuid[],
  p_numbers double precision[],
  p_bools boolean[],
  p_scale_min double precision[],
  p_scale_max double precision[]
) RETURNS void
LANGUAGE sql AS $$
  WITH fresh AS (
    SELECT * FROM unnest(p_request_ids, p_names, p_ts, p_ids, p_numbers, p_bools, p_scale_min,
                         p_scale_max)
      AS f(request_id, name, ts, id, value_number, value_bool, scale_min, scale_max)
    WHERE f.request_id IS NOT NULL
      AND (f.name IN ('task_succeeded', 'rating', 'thumbs', 'copied', 'regenerated', 'edited',
                      'abandoned', 'flagged') OR f.name LIKE 'flag.%')
  ),
  latest AS (
    SELECT DISTINCT ON (request_id, name) * FROM fresh ORDER BY request_id, name, ts DESC, id DESC
  ),
  signals AS (
    SELECT request_id, min(ts) AS first_ts,
      bool_or(value_bool) FILTER (WHERE name = 'task_succeeded') AS outcome,
      max(ts) FILTER (WHERE name = 'task_succeeded') AS outcome_ts,
      max(CASE WHEN scale_min IS NULL OR (scale_min = 1 AND scale_max = 5) THEN value_number
               ELSE 1 + (4 * (value_number - scale_min)) / (scale_max - scale_min) END)
        FILTER (WHERE name = 'rating') AS rating,
      max(ts) FILTER (WHERE name = 'rating') AS rating_ts,
      bool_or(value_bool) FILTER (WHERE name = 'thumbs') AS thumbs,
      max(ts) FILTER (WHERE name = 'thumbs') AS thumbs_ts,
      bool_or(value_bool IS DISTINCT FROM false) FILTER (WHERE name = 'copied') AS copied,
      max(ts) FILTER (WHERE name = 'copied') AS copied_ts,
      bool_or(value_bool IS DISTINCT FROM false) FILTER (WHERE name = 'regenerated') AS regenerated,
      max(ts) FILTER (WHERE name = 'regenerated') AS regenerated_ts,
      bool_or(value_bool IS DISTINCT FROM false) FILTER (WHERE name = 'edited') AS edited,
      max(ts) FILTER (WHERE name = 'edited') AS edited_ts,
      bool_or(value_bool IS DISTINCT FROM false) FILTER (WHERE name = 'abandoned') AS abandoned,
      max(ts) FILTER (WHERE name = 'abandoned') AS abandoned_ts,
      coalesce(jsonb_object_agg(name, jsonb_build_array(ts,
                 CASE WHEN name = 'flagged' THEN value_bool IS TRUE
                      ELSE value_bool IS DISTINCT FROM false END))
               FILTER (WHERE name = 'flagged' OR name LIKE 'flag.%'), '{}'::jsonb) AS flags
    FROM latest
    GROUP BY request_id
  )
  INSERT INTO request_rollups AS r (project_id, request_id, ts, outcome, outcome_ts, rating,
    rating_ts, thumbs, thumbs_ts, copied, copied_ts, regenerated, regenerated_ts, edited,
    edited_ts, abandoned, abandoned_ts, flags)
  SELECT p_project_id, request_id, first_ts, outcome, outcome_ts, rating, rating_ts, thumbs,
    thumbs_ts, copied, copied_ts, regenerated, regenerated_ts, edited, edited_ts, abandoned,
    abandoned_ts, flags
  FROM signals
  ORDER BY request_id -- rows locked in one order, so concurrent batches cannot deadlock here
  ON CONFLICT (project_id, request_id) DO UPDATE SET
    outcome = CASE WHEN excluded.outcome_ts IS NOT NULL
                     AND (r.outcome_ts IS NULL OR excluded.outcome_ts >= r.outcome_ts)
                THEN excluded.outcome ELSE r.outcome END,
    outcome_ts = greatest(r.outcome_ts, excluded.outcome_ts),
    rating = CASE WHEN excluded.rating_ts IS NOT NULL
                     AND (r.rating_ts IS NULL OR excluded.rating_ts >= r.rating_ts)
                THEN excluded.rating ELSE r.rating END,
    rating_ts = greatest(r.rating_ts, excluded.rating_ts),
    thumbs = CASE WHEN excluded.thumbs_ts IS NOT NULL
                     AND (r.thumbs_ts IS NULL OR excluded.thumbs_ts >= r.thumbs_ts)
                THEN excluded.thumbs ELSE r.thumbs END,
    thumbs_ts = greatest(r.thumbs_ts, excluded.thumbs_ts),
    copied = CASE WHEN excluded.copied_ts IS NOT NULL
                     AND (r.copied_ts IS NULL OR excluded.copied_ts >= r.copied_ts)
                THEN excluded.copied ELSE r.copied END,
    copied_ts = greatest(r.copied_ts, excluded.copied_ts),
    regenerated = CASE WHEN excluded.regenerated_ts IS NOT NULL
                     AND (r.regenerated_ts IS NULL OR excluded.regenerated_ts >= r.regenerated_ts)
                THEN excluded.regenerated ELSE r.regenerated END,
    regenerated_ts = greatest(r.regenerated_ts, excluded.regenerated_ts),
    edited = CASE WHEN excluded.edited_ts IS NOT NULL
                     AND (r.edited_ts IS NULL OR excluded.edited_ts >= r.edited_ts)
                THEN excluded.edited ELSE r.edited END,
    edited_ts = greatest(r.edited_ts, excluded.edited_ts),
    abandoned = CASE WHEN excluded.abandoned_ts IS NOT NULL
                     AND (r.abandoned_ts IS NULL OR excluded.abandoned_ts >= r.abandoned_ts)
                THEN excluded.abandoned ELSE r.abandoned END,
    abandoned_ts = greatest(r.abandoned_ts, excluded.abandoned_ts),
    flags = loopkit_merge_flags(r.flags, excluded.flags)
$$;

-- Rollups of the feedback stored before this migration.
SELECT loopkit_rollup_feedback(project_id, array_agg(request_id), array_agg(name), array_agg(ts),
  array_agg(id), array_agg(value_number), array_agg(value_bool), array_agg(scale_min),
  array_agg(scale_max))
FROM feedback
WHERE request_id IS NOT NULL
GROUP BY project_id;

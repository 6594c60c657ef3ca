-- Monthly partitions for requests and feedback, made ahead of time by
-- loopkit_ensure_partitions(); migrate() and maintainPartitions() call it.
--
-- Why monthly: retention is set in days, so a partition is dropped whole once all of it is past
-- every project's retention and the remainder is deleted in small batches; a month keeps the
-- partition count low (12 a year per table), which matters for the planner and for embedded
-- PGlite, while still making retention mostly a metadata operation.

-- Creates the partition of p_table ('requests' or 'feedback') for the UTC month holding p_month,
-- moving any rows of that month out of the DEFAULT partition first (attaching a partition over
-- rows still in DEFAULT would fail). Returns false when the partition already exists.
CREATE OR REPLACE FUNCTION loopkit_create_month_partition(p_table text, p_month timestamptz)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  v_month timestamp := date_trunc('month', p_month AT TIME ZONE 'UTC');
  v_start timestamptz := v_month AT TIME ZONE 'UTC';
  v_end timestamptz := (v_month + interval '1 month') AT TIME ZONE 'UTC';
  v_name text := p_table || '_p' || to_char(v_month, 'YYYY_MM');
BEGIN
  IF p_table NOT IN ('requests', 'feedback') THEN
    RAISE EXCEPTION 'loopkit_create_month_partition: unknown table %; use requests or feedback', p_table;
  END IF;
  IF to_regclass(v_name) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name, p_table);
  EXECUTE format(
    'WITH moved AS (DELETE FROM %I WHERE ts >= $1 AND ts < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved',
    p_table || '_default', v_name
  ) USING v_start, v_end;
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
    p_table, v_name, v_start, v_end);
  RETURN true;
END
$$;

-- Makes sure requests and feedback have partitions from the month of p_now to p_months_ahead
-- months later, and one for every month that has rows in a DEFAULT partition (so DEFAULT only
-- holds events between two maintenance runs). Serialised by an advisory lock; returns the
-- number of partitions created.
CREATE OR REPLACE FUNCTION loopkit_ensure_partitions(
  p_now timestamptz DEFAULT now(),
  p_months_ahead integer DEFAULT 3
)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_table text;
  v_month timestamp;
  v_base timestamp := date_trunc('month', p_now AT TIME ZONE 'UTC');
  v_created integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('loopkit_ensure_partitions'));
  FOREACH v_table IN ARRAY ARRAY['requests', 'feedback'] LOOP
    FOR i IN 0..greatest(p_months_ahead, 0) LOOP
      IF loopkit_create_month_partition(v_table, (v_base + make_interval(months => i)) AT TIME ZONE 'UTC') THEN
        v_created := v_created + 1;
      END IF;
    END LOOP;
    FOR v_month IN EXECUTE format(
      'SELECT DISTINCT date_trunc(''month'', ts AT TIME ZONE ''UTC'') FROM %I', v_table || '_default'
    ) LOOP
      IF loopkit_create_month_partition(v_table, v_month AT TIME ZONE 'UTC') THEN
        v_created := v_created + 1;
      END IF;
    END LOOP;
  END LOOP;
  RETURN v_created;
END
$$;

-- Per-user variances, latency percentile intervals and first sequential decisions.
--
-- request_rollups keep the request's hashed user id, so versionAggregates can total each user's
-- requests before computing variances: a user's requests are correlated, and per-request
-- variances understate the uncertainty. insertEvents fills it with the request's other columns.
ALTER TABLE request_rollups ADD COLUMN IF NOT EXISTS user_hash text;

UPDATE request_rollups r SET user_hash = q.user_hash
FROM (SELECT DISTINCT ON (project_id, id) project_id, id, user_hash
      FROM requests WHERE user_hash IS NOT NULL
      ORDER BY project_id, id, ts) q
WHERE r.project_id = q.project_id AND r.request_id = q.id AND r.user_hash IS NULL;

-- Pure functions: safe in parallel workers, so an aggregation over many rollups can use them.
ALTER FUNCTION loopkit_is_flagged(jsonb) PARALLEL SAFE;
ALTER FUNCTION loopkit_merge_flags(jsonb, jsonb) PARALLEL SAFE;

-- The ranks {l, u} of the order statistics x₍l₎ ≤ x₍u₎ of n values that bound their q-quantile
-- with confidence at least p_confidence, equal-tailed: with B ~ Binomial(n, q) and
-- α = 1 − p_confidence, l is the largest rank with P(B ≤ l − 1) ≤ α/2 and u the smallest with
-- P(B ≤ u − 1) ≥ 1 − α/2; l = 0 (u = n + 1) when no order statistic bounds that side. For any
-- continuous distribution P(x₍l₎ ≤ ξ_q ≤ x₍u₎) ≥ 1 − α (Conover, Practical Nonparametric
-- Statistics, 3rd ed., §3.2). The binomial probabilities come from the ratios
-- P(B = k)/P(B = k − 1) = (n − k + 1)/k · q/(1 − q) over the ranks within nq ± (8σ + 10),
-- σ = √(nq(1 − q)), normalised by their sum (the mass outside is below 1e-14).
-- metrics' quantileIntervalRanks computes the same ranks in memory.
CREATE OR REPLACE FUNCTION loopkit_quantile_ranks(p_n bigint, p_q double precision,
                                                  p_confidence double precision)
RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  sigma double precision := sqrt(p_n * p_q * (1 - p_q));
  lo bigint := greatest(0, floor(p_n * p_q - 8 * sigma - 10));
  hi bigint := least(p_n, ceil(p_n * p_q + 8 * sigma + 10));
  odds double precision := p_q / (1 - p_q);
  tail double precision := (1 - p_confidence) / 2;
  mass double precision;
  total double precision := 0;
  below double precision := 0;
  lower_rank integer := 0;
  k bigint;
BEGIN
  IF p_n < 1 OR p_q <= 0 OR p_q >= 1 OR p_confidence <= 0 OR p_confidence >= 1 THEN
    RAISE EXCEPTION 'loopkit_quantile_ranks: needs n >= 1 and q, confidence in (0, 1), got n=%, q=%, confidence=%',
      p_n, p_q, p_confidence USING ERRCODE = '22023';
  END IF;
  mass := 1; -- P(B = k) / P(B = lo)
  FOR k IN lo..hi LOOP
    IF k > lo THEN mass := mass * (p_n - k + 1) / k * odds; END IF;
    total := total + mass;
  END LOOP;
  mass := 1;
  FOR k IN lo..hi LOOP
    IF k > lo THEN mass := mass * (p_n - k + 1) / k * odds; END IF;
    below := below + mass;
    IF below / total <= tail THEN lower_rank := k + 1; END IF;
    IF below / total >= 1 - tail THEN RETURN ARRAY[lower_rank, k + 1]; END IF;
  END LOOP;
  RETURN ARRAY[lower_rank, p_n + 1];
END
$$;

-- The first decision (ship_variant or stop) a sequential analysis of an experiment reached.
-- An always-valid procedure's guarantee is for the first look that decides, so later looks
-- report this one rather than letting a later, different reading replace it.
CREATE TABLE IF NOT EXISTS experiment_decisions (
  project_id     text        NOT NULL,
  experiment_key text        NOT NULL,
  decision       text        NOT NULL CHECK (decision IN ('ship_variant', 'stop')),
  winner         text,
  reasons        jsonb       NOT NULL,
  settings       jsonb       NOT NULL,
  analysis       jsonb       NOT NULL,
  decided_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, experiment_key),
  FOREIGN KEY (project_id, experiment_key) REFERENCES experiments (project_id, key)
    ON DELETE CASCADE
);

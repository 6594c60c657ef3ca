-- Evaluation runs that outlive their process. A run started by a Loopkit server is executed by
-- that process under a lease on the run (lease_owner, renewed until lease_expires_at); when the
-- process dies the lease expires and another server or worker claims the run and resumes it.
-- Runs created without a lease (the `loopkit eval` command, library callers) are never claimed:
-- whoever started them resumes them.

ALTER TABLE evaluation_runs
  -- Items judged at once, so a resumed run keeps the concurrency it was started with.
  ADD COLUMN IF NOT EXISTS concurrency      integer CHECK (concurrency IS NULL OR concurrency >= 1),
  -- Claimed by another process when its executor stops (true for runs created with a lease).
  ADD COLUMN IF NOT EXISTS auto_resume      boolean NOT NULL DEFAULT false,
  ADD COLUMN IF NOT EXISTS lease_owner      text,
  ADD COLUMN IF NOT EXISTS lease_expires_at timestamptz,
  -- Why a run ended `failed`.
  ADD COLUMN IF NOT EXISTS error            text;

-- `failed`: the run cannot be executed (say, its judge configuration was written by another
-- version of the evaluator); `error` says why.
ALTER TABLE evaluation_runs DROP CONSTRAINT IF EXISTS evaluation_runs_status_check;
ALTER TABLE evaluation_runs ADD CONSTRAINT evaluation_runs_status_check
  CHECK (status IN ('pending', 'running', 'paused', 'budget_exhausted', 'completed', 'failed'));

-- The runs a process may have to resume: few rows, whatever the number of finished runs.
CREATE INDEX IF NOT EXISTS evaluation_runs_resumable
  ON evaluation_runs (created_at)
  WHERE auto_resume AND status IN ('pending', 'running', 'paused');

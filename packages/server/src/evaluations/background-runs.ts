/**
 * Evaluation runs executing in this process, after the request that started them answered.
 * Runs are persisted and resumable (the evaluator's store leases items), so stopping one is safe:
 * on shutdown every run is aborted and awaited, and running it again later resumes it without
 * re-judging finished items.
 */
export class BackgroundRuns {
  private readonly running = new Set<{ controller: AbortController; done: Promise<void> }>();

  /** Runs being executed now. */
  get active(): number {
    return this.running.size;
  }

  /**
   * Starts `work` in the background with an abort signal; failures go to `onError` (the run's own
   * status in the database already says what happened).
   */
  start(work: (signal: AbortSignal) => Promise<unknown>, onError: (error: unknown) => void): void {
    const controller = new AbortController();
    const entry = {
      controller,
      done: Promise.resolve()
        .then(() => work(controller.signal))
        .then(
          () => undefined,
          (error: unknown) => onError(error),
        )
        .finally(() => this.running.delete(entry)),
    };
    this.running.add(entry);
  }

  /** Aborts every run and waits until each has stopped. */
  async stopAll(): Promise<void> {
    const entries = [...this.running];
    for (const entry of entries) entry.controller.abort();
    await Promise.all(entries.map((entry) => entry.done));
  }
}

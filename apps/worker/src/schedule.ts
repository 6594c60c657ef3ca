/** A job that runs now and then every `intervalMs`, never twice at once; `stop()` waits for a running pass. */
export interface Schedule {
  stop(): Promise<void>;
}

/**
 * Runs `job` at once and then every `intervalMs` after the previous pass ended. A failing pass
 * is reported to `onError` and the schedule goes on.
 */
export function every(
  intervalMs: number,
  job: () => Promise<void>,
  onError: (error: unknown) => void,
): Schedule {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = job()
      .catch(onError)
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

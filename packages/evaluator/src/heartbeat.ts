/**
 * Calls `beat` every `intervalMs`, one call at a time (the next wait starts when a call has
 * settled), until `stop()` or until a call resolves `false`. What a failed call means is the
 * caller's to decide inside `beat`: a rejection is ignored and the next beat comes as usual.
 * Used to keep leases alive while their work runs.
 */
export function heartbeat(intervalMs: number, beat: () => Promise<boolean>): { stop(): void } {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    const goOn = await beat().catch(() => true);
    if (goOn && !stopped) timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, intervalMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

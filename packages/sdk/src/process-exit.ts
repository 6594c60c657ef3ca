/**
 * Flushing when a Node process (or another runtime with `process.on`) is about to end. The
 * browser build of the SDK uses `process-exit.browser.ts` instead: browsers have no process to
 * exit, so they do not download this.
 */
import type { LifecycleOptions } from "./lifecycle.js";

type Signal = "SIGTERM" | "SIGINT";

/**
 * The signal flushes of every client in this process: the last client to handle a signal
 * re-raises it, so it waits for the others' flushes too.
 */
const signalFlushes = new Set<Promise<unknown>>();
interface ProcessLike {
  pid: number;
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  listenerCount(event: string): number;
  kill(pid: number, signal: string): unknown;
}

/**
 * Calls `onExit` on `beforeExit` (the event loop ran dry while events wait); with
 * `handleSignals`, on SIGTERM and SIGINT too: flushes for at most `exitTimeoutMs`, removes its
 * listeners, and re-raises the signal when no other listener handles it, so the process ends as
 * it would have without the client. Returns the function that removes every listener it added.
 */
export function attachProcessExit(
  onExit: () => Promise<void>,
  options: LifecycleOptions,
): () => void {
  const proc = (globalThis as unknown as { process?: ProcessLike }).process;
  if (!proc || typeof proc.on !== "function" || typeof proc.off !== "function") return () => {};
  let exiting: Promise<void> | null = null;
  const onBeforeExit = () => {
    // Flushing schedules work, so `beforeExit` fires again when it is done; by then the
    // queue is empty and the process exits.
    if (!exiting) {
      exiting = onExit().finally(() => {
        exiting = null;
      });
    }
  };
  const signals: Signal[] = options.handleSignals ? ["SIGTERM", "SIGINT"] : [];
  const removeSignals = () => {
    for (const signal of signals) proc.off(signal, onSignal);
  };
  const onSignal = (signal: Signal) => {
    removeSignals();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.exitTimeoutMs);
    });
    const flushing = onExit().catch(() => undefined);
    signalFlushes.add(flushing);
    void flushing.then(() => signalFlushes.delete(flushing));
    void Promise.race([flushing, deadline])
      .then(() => Promise.race([Promise.allSettled([...signalFlushes]), deadline]))
      .then(() => {
        clearTimeout(timer);
        if (proc.listenerCount(signal) === 0) proc.kill(proc.pid, signal);
      });
  };
  proc.on("beforeExit", onBeforeExit);
  for (const signal of signals) proc.on(signal, onSignal);
  return () => {
    proc.off("beforeExit", onBeforeExit);
    removeSignals();
  };
}

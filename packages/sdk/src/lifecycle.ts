/** What the client does when its page or process is about to go away. */
export interface LifecycleHooks {
  /** The page is being hidden or unloaded: send what waits now, without awaiting anything. */
  onHide(): void;
  /** The process is about to exit: deliver what waits. */
  onExit(): Promise<void>;
}

/** Options of {@link attachLifecycle}. */
export interface LifecycleOptions {
  /** Also flush on SIGTERM and SIGINT, then let the signal end the process as it would have. */
  handleSignals: boolean;
  /** How long a signal waits for the flush before the process ends anyway. */
  exitTimeoutMs: number;
}

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
interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/**
 * Flushes when the page or process goes away, and returns the function that removes every
 * listener it added.
 *
 * - Browsers: on `pagehide`, and on `visibilitychange` to hidden (the last event a mobile page
 *   reliably gets), `onHide` runs synchronously so its keepalive requests start before the page
 *   is frozen.
 * - Node (and other runtimes with `process.on`): on `beforeExit` (the event loop ran dry while
 *   events wait); with `handleSignals`, on SIGTERM and SIGINT too: flushes for at most
 *   `exitTimeoutMs`, removes its listeners, and re-raises the signal when no other listener
 *   handles it, so the process ends as it would have without the client.
 */
export function attachLifecycle(hooks: LifecycleHooks, options: LifecycleOptions): () => void {
  const detachers: Array<() => void> = [];
  const g = globalThis as unknown as {
    document?: EventTargetLike & { visibilityState?: string };
    addEventListener?: EventTargetLike["addEventListener"];
    removeEventListener?: EventTargetLike["removeEventListener"];
    process?: ProcessLike;
  };

  const doc = g.document;
  if (doc && typeof g.addEventListener === "function") {
    const onPageHide = () => hooks.onHide();
    const onVisibility = () => {
      if (doc.visibilityState === "hidden") hooks.onHide();
    };
    g.addEventListener("pagehide", onPageHide);
    doc.addEventListener("visibilitychange", onVisibility);
    detachers.push(() => {
      g.removeEventListener?.("pagehide", onPageHide);
      doc.removeEventListener("visibilitychange", onVisibility);
    });
  }

  const proc = g.process;
  if (proc && typeof proc.on === "function" && typeof proc.off === "function") {
    let exiting: Promise<void> | null = null;
    const onBeforeExit = () => {
      // Flushing schedules work, so `beforeExit` fires again when it is done; by then the
      // queue is empty and the process exits.
      if (!exiting) {
        exiting = hooks.onExit().finally(() => {
          exiting = null;
        });
      }
    };
    proc.on("beforeExit", onBeforeExit);
    detachers.push(() => proc.off("beforeExit", onBeforeExit));

    if (options.handleSignals) {
      const onSignal = (signal: Signal) => {
        removeSignals();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, options.exitTimeoutMs);
        });
        const flushing = hooks.onExit().catch(() => undefined);
        signalFlushes.add(flushing);
        void flushing.then(() => signalFlushes.delete(flushing));
        void Promise.race([flushing, deadline])
          .then(() => Promise.race([Promise.allSettled([...signalFlushes]), deadline]))
          .then(() => {
            clearTimeout(timer);
            if (proc.listenerCount(signal) === 0) proc.kill(proc.pid, signal);
          });
      };
      const signals: Signal[] = ["SIGTERM", "SIGINT"];
      const removeSignals = () => {
        for (const signal of signals) proc.off(signal, onSignal);
      };
      for (const signal of signals) proc.on(signal, onSignal);
      detachers.push(removeSignals);
    }
  }

  return () => {
    for (const detach of detachers.splice(0)) detach();
  };
}

import { attachProcessExit } from "./process-exit.js";

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
 * - Node (and other runtimes with `process.on`): on `beforeExit`, and with `handleSignals` on
 *   SIGTERM and SIGINT, as `attachProcessExit` describes (not in the browser build).
 */
export function attachLifecycle(hooks: LifecycleHooks, options: LifecycleOptions): () => void {
  const detachers: Array<() => void> = [];
  const g = globalThis as unknown as {
    document?: EventTargetLike & { visibilityState?: string };
    addEventListener?: EventTargetLike["addEventListener"];
    removeEventListener?: EventTargetLike["removeEventListener"];
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

  detachers.push(attachProcessExit(hooks.onExit, options));

  return () => {
    for (const detach of detachers.splice(0)) detach();
  };
}

/**
 * The browser build's stand-in for `process-exit.ts` (see `scripts/browser-modules.ts`): a page
 * has no process to exit (it flushes on `pagehide` and `visibilitychange` instead), so browsers
 * do not download the Node exit and signal handling.
 */
import type { LifecycleOptions } from "./lifecycle.js";

/** Adds nothing; returns a function that removes nothing. */
export function attachProcessExit(
  _onExit: () => Promise<void>,
  _options: LifecycleOptions,
): () => void {
  return () => {};
}

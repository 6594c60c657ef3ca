import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
/** The built server entry (the test task builds it first). */
export const serverEntry = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** A child process with its output collected. */
export interface Child {
  process: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr, or rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** The exit code, or the name of the signal that ended the process (so a failure shows it). */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** Spawns a command with extra environment variables and collects its output. */
export function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd = repoRoot,
): Child {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal)),
  );
  return {
    process: child,
    output: () => text,
    exited,
    waitFor(pattern, ms = 180_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`));
        }, ms);
        listeners.add(check);
        void exited.then(() => setTimeout(check, 10));
        check();
      });
    },
  };
}

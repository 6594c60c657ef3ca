import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

/** What the server prints once it listens; group 1 is its URL. */
export const LISTENING = /Loopkit listening on (http:\/\/[^"\s]+)/;

const dataDirs: string[] = [];

/**
 * A fresh, empty data folder for an embedded server, under the system's temp folder and named
 * `loopkit-<name>-…`; {@link removeDataDirs} removes it.
 */
export async function dataDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `loopkit-${name}-`));
  dataDirs.push(dir);
  return dir;
}

/** Removes every folder {@link dataDir} has made in this test file so far. */
export async function removeDataDirs(): Promise<void> {
  await Promise.all(dataDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/**
 * Starts `loopkit start` on embedded PGlite in a fresh {@link dataDir}, on any free port, with
 * `env`, and waits until it listens.
 */
export async function startEmbeddedServer(
  name: string,
  env: Record<string, string>,
): Promise<{ dir: string; server: Child; url: string }> {
  const dir = await dataDir(name);
  const server = run("node", [serverEntry, "start"], { PORT: "0", LOOPKIT_DATA_DIR: dir, ...env });
  const [, url] = await server.waitFor(LISTENING);
  return { dir, server, url: url! };
}

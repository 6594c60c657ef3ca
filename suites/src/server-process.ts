import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** The built self-hosted server (`@loopkit/app-server`; turbo builds it before these tests). */
export const SERVER_ENTRY = fileURLToPath(
  new URL("../../apps/server/dist/main.js", import.meta.url),
);

/** A free TCP port on 127.0.0.1 (so a restarted server can listen on the same one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A running server process and everything it printed. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** stdout and stderr so far, across the process's life. */
  output(): string;
  /** Resolves with the exit code or signal when the process ends. */
  exited: Promise<string>;
  /** Resident memory of the process now, in bytes (Linux /proc). */
  rss(): Promise<number>;
}

/**
 * Starts `node apps/server/dist/main.js start` with `env` on 127.0.0.1:`port` and resolves once
 * it prints that it listens (rejects with its output if it exits first or takes over 30 s).
 */
export async function startServerProcess(
  port: number,
  env: Record<string, string>,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVER_ENTRY, "start"], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<string>((resolve) =>
    child.on("exit", (code, signal) => resolve(signal ?? String(code))),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  let ready = false;
  while (!ready) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server process exited before listening:\n${text}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server process did not listen within 30 s:\n${text}`);
    }
    ready = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    output: () => text,
    exited,
    async rss() {
      const status = await readFile(`/proc/${child.pid}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
      return kb * 1024;
    },
  };
}

/** Kills a server process with `signal` and waits for it to end. */
export async function stopServerProcess(
  server: ServerProcess | undefined,
  signal: NodeJS.Signals = "SIGKILL",
): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill(signal);
  await server.exited;
}

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { readProcessMemory } from "./process-memory.js";

/** The self-hosted server (`apps/server/dist/main.js`) running as a child process. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** A public key of the default project, made at the first start. */
  publicKey: string;
  /** Stops the server with SIGTERM (it finishes in-flight requests) and waits for its exit. */
  stop(): Promise<void>;
}

/** Where the server's database is: PostgreSQL, or an embedded PGlite folder. */
export type ServerStorage = { databaseUrl: string } | { dataDir: string };

const MAIN = fileURLToPath(new URL("../../apps/server/dist/main.js", import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `bench: the server exited with code ${child.exitCode} at start:\n${stderr()}`,
      );
    }
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`bench: the server did not answer ${url}/readyz within 60 s:\n${stderr()}`);
}

/**
 * Starts `apps/server/dist/main.js start` as it runs in production (info-level request logs,
 * written to /dev/null here) on a free port, with a known public key for its default project,
 * and waits until `/readyz` answers.
 *
 * @throws {Error} when the server is not built (run `pnpm bench`, which builds it) or does not
 * become ready; the message carries its stderr.
 */
export async function startServerProcess(storage: ServerStorage): Promise<ServerProcess> {
  if (!existsSync(MAIN)) {
    throw new Error(
      `bench: ${MAIN} is missing; build the server first (\`pnpm bench\` at the repository root does)`,
    );
  }
  const port = await freePort();
  const publicKey = `lk_pub_${randomBytes(24).toString("hex")}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    PORT: String(port),
    HOST: "127.0.0.1",
    LOOPKIT_SECRET: randomBytes(32).toString("hex"),
    LOOPKIT_INIT_PUBLIC_KEY: publicKey,
    LOOPKIT_INIT_SECRET_KEY: `lk_sec_${randomBytes(24).toString("hex")}`,
    LOG_LEVEL: "info",
    // The bench measures the pipeline's maximum, not the per-key limiter: its clients share one
    // key, and the default 10,000 events/s per key would cap them (answers 429, SDK retries).
    LOOPKIT_RATE_LIMIT_EVENTS_PER_SECOND: "0",
    LOOPKIT_RATE_LIMIT_REQUESTS_PER_SECOND: "0",
    ...("databaseUrl" in storage
      ? { DATABASE_URL: storage.databaseUrl }
      : { LOOPKIT_DATA_DIR: storage.dataDir }),
  };
  // Node flags for the server, e.g. LOOPKIT_BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.LOOPKIT_BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, MAIN, "start"], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, child, () => stderr);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    pid: child.pid!,
    publicKey,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Samples the resident memory of `pid` every `intervalMs` until stopped; `stop` returns the
 * samples and the kernel's peak (VmHWM), which also catches peaks between samples.
 */
export function sampleMemory(
  pid: number,
  intervalMs = 250,
): {
  stop(): Promise<{ samples: Array<{ atMs: number; rssBytes: number }>; peakRssBytes: number }>;
} {
  const samples: Array<{ atMs: number; rssBytes: number }> = [];
  const started = performance.now();
  let peakRssBytes = 0;
  const take = async () => {
    const memory = await readProcessMemory(pid);
    peakRssBytes = Math.max(peakRssBytes, memory.peakRssBytes);
    samples.push({ atMs: performance.now() - started, rssBytes: memory.rssBytes });
  };
  void take();
  const timer = setInterval(() => void take().catch(() => {}), intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await take().catch(() => {});
      return { samples, peakRssBytes };
    },
  };
}

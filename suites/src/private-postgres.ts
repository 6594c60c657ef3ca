import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./server-process.js";

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of the suites' own, in a temporary folder on a free port on 127.0.0.1,
 * for faults that must not touch the machine's shared PostgreSQL (stopping it, slowing it).
 */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  /** Stops the server (fast shutdown: sessions are cut). */
  stop(): Promise<void>;
  /** Starts it again on the same folder and port. */
  start(): Promise<void>;
  /** Stops it if running and deletes its folder. */
  destroy(): Promise<void>;
  /** The server's log so far. */
  log(): Promise<string>;
}

/** The newest installed PostgreSQL `bin` folder, or null when none is installed. */
export function postgresBinaries(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : null;
}

/**
 * Why the private cluster cannot run here, or null when it can. Under `CI=true` a missing
 * PostgreSQL installation is an error (the fault suites must run in CI), not a skip.
 */
export function privatePostgresUnavailable(): string | null {
  if (postgresBinaries()) return null;
  const reason =
    "no PostgreSQL binaries under /usr/lib/postgresql/*/bin (install the postgresql package)";
  if (process.env.CI === "true") {
    throw new Error(`the PostgreSQL fault suites must run in CI, but there are ${reason}`);
  }
  console.warn(`SKIPPING the PostgreSQL fault suites: ${reason}`);
  return reason;
}

/**
 * Makes and starts a private cluster: `initdb` (trust auth, fsync off: it is thrown away) and
 * `pg_ctl start`, as the current user, or as `postgres` via `runuser` when running as root
 * (PostgreSQL refuses to run as root).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinaries();
  if (!bin) throw new Error("no PostgreSQL binaries under /usr/lib/postgresql/*/bin");
  const folder = await mkdtemp(join(tmpdir(), "loopkit-private-pg-"));
  const data = join(folder, "data");
  const logFile = join(folder, "server.log");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(folder, Number(stdout.trim()), Number(gid.trim()));
  }
  const exec = (tool: string, args: string[]) =>
    asRoot
      ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args], { timeout: 60_000 })
      : run(join(bin, tool), args, { timeout: 60_000 });
  await exec("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${folder}`,
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
  ].join(" ");
  let running = false;
  const start = async () => {
    await exec("pg_ctl", ["-D", data, "-l", logFile, "-o", options, "-w", "-t", "30", "start"]);
    running = true;
  };
  const stop = async (mode = "fast") => {
    if (!running) return;
    await exec("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "30", "stop"]);
    running = false;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop: () => stop(),
    async destroy() {
      await stop("immediate").catch(() => {});
      await rm(folder, { recursive: true, force: true });
    },
    log: () => readFile(logFile, "utf8").catch(() => ""),
  };
}

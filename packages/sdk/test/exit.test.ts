/**
 * Node lifecycle in real child processes against a real server: events waiting when the
 * process ends by itself (`beforeExit`) or on SIGTERM (`handleSignals`) are delivered, and a
 * SIGTERM still ends the process as a SIGTERM (the client re-raises it).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startTestServer, type TestServer } from "@loopkit/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const sdkDir = fileURLToPath(new URL("..", import.meta.url));

function start(mode: string, server: TestServer) {
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/exit-child.ts"], {
    cwd: sdkDir,
    env: {
      ...process.env,
      MODE: mode,
      LOOPKIT_URL: server.url,
      LOOPKIT_PUBLIC_KEY: server.a.publicKey,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

async function stored(server: TestServer, promptName: string): Promise<number> {
  const [row] = await server.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM requests WHERE project_id = $1 AND prompt_name = $2",
    [server.a.id, promptName],
  );
  return row!.n;
}

describe("Node process exit", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite");
  });
  afterAll(async () => {
    await server?.close();
  });

  it("delivers waiting events on beforeExit when the program just ends", async () => {
    const run = start("beforeExit", server);
    const { code } = await run.exited;
    expect(code, run.output()).toBe(0);
    expect(await stored(server, "exit-beforeExit")).toBe(25);
  });

  it("with handleSignals, flushes every client on SIGTERM and then ends by SIGTERM", async () => {
    const run = start("signal", server);
    await new Promise<void>((resolve) => {
      run.child.stdout.on("data", () => {
        if (run.output().includes("ready")) resolve();
      });
    });
    run.child.kill("SIGTERM");
    const { code, signal } = await run.exited;
    expect(signal, run.output()).toBe("SIGTERM");
    expect(code).toBeNull();
    expect(await stored(server, "exit-signal")).toBe(25);
    // The slower client's flush is waited for too, not cut short by the first one's re-raise.
    expect(await stored(server, "exit-signal-slow")).toBe(25);
  });
});

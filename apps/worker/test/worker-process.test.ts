import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createDatabase, migrate } from "@loopkit/db";
import { testDrivers } from "@loopkit/db/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const entry = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const adminUrl =
  process.env.LOOPKIT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

function runWorker(env: Record<string, string>, args: string[] = []) {
  const child = spawn("node", [entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { child, exited, output: () => output };
}

async function waitFor(read: () => string, text: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!read().includes(text)) {
    if (Date.now() > end) throw new Error(`timed out waiting for "${text}" in:\n${read()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the worker process", () => {
  it("refuses to start without DATABASE_URL, saying why", async () => {
    const worker = runWorker({ DATABASE_URL: "" });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain("DATABASE_URL: required");
  });

  it("says what it does and which variables it reads with --help, without a database", async () => {
    const worker = runWorker({ DATABASE_URL: "" }, ["--help"]);
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain("Usage: loopkit-worker");
    expect(worker.output()).toContain("LOOPKIT_MAINTENANCE_INTERVAL_MS");
  });
});

describe.runIf((await testDrivers()).includes("postgres"))(
  "the worker process on PostgreSQL",
  () => {
    const name = `loopkit_w_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const admin = () => new pg.Client({ connectionString: adminUrl });
    beforeAll(async () => {
      const client = admin();
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      const db = await createDatabase({ url: url.toString() });
      await migrate(db);
      await db.close();
    });
    afterAll(async () => {
      const client = admin();
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    });

    it("runs maintenance at start, and two workers take turns instead of racing; SIGTERM stops them", async () => {
      const env = { DATABASE_URL: url.toString(), LOOPKIT_MAINTENANCE_INTERVAL_MS: "1000" };
      const a = runWorker(env);
      const b = runWorker(env);
      await waitFor(a.output, "maintenance done");
      await waitFor(b.output, "maintenance");
      a.child.kill("SIGTERM");
      b.child.kill("SIGTERM");
      expect(await a.exited).toBe(0);
      expect(await b.exited).toBe(0);
      expect(a.output() + b.output()).not.toContain("maintenance failed");
    });

    it("says at start whether it resumes evaluation runs: only with an LLM endpoint", async () => {
      const bare = runWorker({ DATABASE_URL: url.toString() });
      const judging = runWorker({
        DATABASE_URL: url.toString(),
        LOOPKIT_OPENAI_API_KEY: "test-key",
        LOOPKIT_OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
      });
      await waitFor(bare.output, "Loopkit worker started");
      await waitFor(judging.output, "Loopkit worker started");
      expect(bare.output()).toContain(
        "maintenance only; set LOOPKIT_OPENAI_API_KEY (and LOOPKIT_OPENAI_BASE_URL) to resume evaluation runs too",
      );
      expect(judging.output()).toContain(
        "maintenance, and resuming evaluation runs that stopped processes left",
      );
      bare.child.kill("SIGTERM");
      judging.child.kill("SIGTERM");
      expect(await bare.exited).toBe(0);
      expect(await judging.exited).toBe(0);
    });
  },
);

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createDatabase } from "@loopkit/db";
import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataDir, removeDataDirs, run, serverEntry } from "./process.js";

describe("loopkit eval", () => {
  let llm: OpenAITestServer;
  let dir: string;
  beforeAll(async () => {
    llm = await startOpenAITestServer();
    dir = await dataDir("eval");
    const lines = Array.from({ length: 3 }, (_, i) =>
      JSON.stringify({ input: `question ${i}`, output: `answer ${i}`, version: "v1" }),
    );
    await writeFile(join(dir, "dataset.jsonl"), `${lines.join("\n")}\n`);
  });
  afterAll(async () => {
    await llm?.close();
    await removeDataDirs();
  });

  /** `loopkit eval` of version v1 of the dataset, storing into the server's data folder. */
  const evalCommand = (args: string[], env: Record<string, string> = {}) =>
    run(
      "node",
      [serverEntry, "eval", "--dataset", join(dir, "dataset.jsonl"), "--version", "v1", ...args],
      { LOOPKIT_DATA_DIR: join(dir, "data"), ...env },
    );

  it("judges a dataset against an OpenAI-compatible endpoint and stores the run in the server's database", async () => {
    const child = evalCommand(
      [
        "--model",
        "test-model",
        "--base-url",
        llm.baseURL,
        "--api-key-env",
        "JUDGE_KEY",
        "--no-progress",
        "--json",
      ],
      { JUDGE_KEY: "test-key" },
    );
    const code = await child.exited;
    expect(code, child.output()).toBe(0);
    expect(child.output()).toContain("v1");
    expect(llm.requests.length).toBeGreaterThanOrEqual(3);

    const db = await createDatabase({ dataDir: join(dir, "data") });
    try {
      const runs = await db.query<{ status: string }>("SELECT status FROM evaluation_runs");
      expect(runs.map((r) => r.status)).toEqual(["completed"]);
    } finally {
      await db.close();
    }
  });

  it("exits 2 naming the missing API key variable", async () => {
    const child = evalCommand(["--api-key-env", "NOT_SET_ANYWHERE"]);
    expect(await child.exited).toBe(2);
    expect(child.output()).toContain("NOT_SET_ANYWHERE");
  });
});

import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { ENV_VARIABLES, loadWorkerConfig } from "../src/config.js";

it("the README's configuration table lists every variable the worker reads, and no other", async () => {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const section = readme.split("## Configuration")[1]!.split("\n## ")[0]!;
  const documented = section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => /`([A-Z_]+)`/.exec(line)![1]!);
  expect(documented.sort()).toEqual([...ENV_VARIABLES].sort());
});

it("the documented defaults are the ones applied", () => {
  expect(loadWorkerConfig({ DATABASE_URL: "postgres://localhost/loopkit" })).toEqual({
    DATABASE_URL: "postgres://localhost/loopkit",
    LOOPKIT_MAINTENANCE_INTERVAL_MS: 3_600_000,
    LOOPKIT_EVALUATION_LEASE_MS: 30_000,
    LOG_LEVEL: "info",
  });
});

it("names a bad LLM endpoint and what it must look like", () => {
  expect(() =>
    loadWorkerConfig({ DATABASE_URL: "postgres://x/y", LOOPKIT_OPENAI_BASE_URL: "localhost" }),
  ).toThrow(/LOOPKIT_OPENAI_BASE_URL: must be a URL such as http:\/\/localhost:11434\/v1/);
});

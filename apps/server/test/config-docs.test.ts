import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { ENV_VARIABLES, loadConfig } from "../src/config.js";

it("the root README's configuration table lists every variable the server reads, and no other", async () => {
  const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
  const section = readme.split("## Configuration")[1]!.split("\n## ")[0]!;
  const documented = new Set(
    section
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .flatMap((line) => [...line.split("|")[1]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!)),
  );
  expect([...documented].sort()).toEqual([...ENV_VARIABLES].sort());
});

it("the documented defaults are the ones applied", () => {
  const config = loadConfig({});
  expect(config).toMatchObject({
    PORT: 3000,
    HOST: "127.0.0.1",
    LOOPKIT_DATA_DIR: "./.loopkit",
    LOOPKIT_CORS_ORIGINS: "*",
    LOOPKIT_MAX_BODY_BYTES: 5_242_880,
    LOOPKIT_MAX_IN_FLIGHT_BATCHES: 64,
    LOOPKIT_RATE_LIMIT_REQUESTS_PER_SECOND: 500,
    LOOPKIT_RATE_LIMIT_EVENTS_PER_SECOND: 10_000,
    LOOPKIT_RATE_LIMIT_BURST_SECONDS: 2,
    LOOPKIT_DB_ACQUIRE_TIMEOUT_MS: 2000,
    LOOPKIT_SHUTDOWN_TIMEOUT_MS: 10_000,
    LOOPKIT_JUDGE_MODEL: "gpt-4o-mini",
    LOOPKIT_EVALUATION_LEASE_MS: 30_000,
    LOOPKIT_MAINTENANCE: "in-process",
    LOOPKIT_MAINTENANCE_INTERVAL_MS: 3_600_000,
    LOG_LEVEL: "info",
  });
});

it("refuses a maintenance mode other than in-process or off, naming both", () => {
  expect(() => loadConfig({ LOOPKIT_MAINTENANCE: "worker" })).toThrow(
    /LOOPKIT_MAINTENANCE: .*"in-process".*"off"/,
  );
});

it("refuses an events rate whose burst cannot hold one full batch, naming both variables", () => {
  expect(() =>
    loadConfig({
      LOOPKIT_RATE_LIMIT_EVENTS_PER_SECOND: "100",
      LOOPKIT_RATE_LIMIT_BURST_SECONDS: "2",
    }),
  ).toThrow(
    /LOOPKIT_RATE_LIMIT_EVENTS_PER_SECOND × LOOPKIT_RATE_LIMIT_BURST_SECONDS: must be at least 500/,
  );
  // 0 turns the events limit off, whatever the burst.
  expect(loadConfig({ LOOPKIT_RATE_LIMIT_EVENTS_PER_SECOND: "0" })).toMatchObject({
    LOOPKIT_RATE_LIMIT_EVENTS_PER_SECOND: 0,
  });
  expect(() => loadConfig({ LOOPKIT_RATE_LIMIT_REQUESTS_PER_SECOND: "-1" })).toThrow(
    /LOOPKIT_RATE_LIMIT_REQUESTS_PER_SECOND: must be 0 \(no limit\) or more/,
  );
});

import { afterEach, describe, expect, it } from "vitest";
import { dataDir, LISTENING, removeDataDirs, run, serverEntry } from "./process.js";

afterEach(removeDataDirs);

describe("the server process", () => {
  it("starts on the embedded database, prints the keys once, answers /healthz and /readyz", async () => {
    const dir = await dataDir("app");
    const env = { PORT: "0", LOOPKIT_DATA_DIR: dir, LOG_LEVEL: "info" };
    const first = run("node", [serverEntry, "start"], env);
    const [, url] = await first.waitFor(LISTENING);
    expect(first.output()).toMatch(/public key \(browsers, events only\): lk_pub_\S+/);
    expect(first.output()).toMatch(/secret key \(servers, everything\):\s+lk_sec_\S+/);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain(
      "loopkit_ingest_batches_in_flight",
    );
    first.process.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = run("node", [serverEntry, "start"], env);
    await second.waitFor(LISTENING);
    expect(second.output()).not.toContain("lk_sec_");
    second.process.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });

  it("lists its commands and variables with --help, needing no valid configuration", async () => {
    const child = run("node", [serverEntry, "--help"], { PORT: "eighty" });
    expect(await child.exited).toBe(0);
    expect(child.output()).toMatch(/start .*\n.*migrate .*\n.*eval /);
    expect(child.output()).toContain("LOOPKIT_DATA_DIR");
  });

  it("stops with a message naming a bad variable and its expected form", async () => {
    const child = run("node", [serverEntry, "start"], {
      PORT: "eighty",
      LOOPKIT_DATA_DIR: await dataDir("app"),
    });
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain("PORT");
    expect(child.output()).toMatch(/number/i);
  });

  it("refuses an init key of the wrong form, naming it", async () => {
    const child = run("node", [serverEntry, "start"], {
      PORT: "0",
      LOOPKIT_DATA_DIR: await dataDir("app"),
      LOOPKIT_INIT_PUBLIC_KEY: "not-a-key",
      LOOPKIT_INIT_SECRET_KEY: `lk_sec_${"a".repeat(40)}`,
    });
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain("LOOPKIT_INIT_PUBLIC_KEY");
    expect(child.output()).toContain("lk_pub_");
  });

  it("applies migrations with `loopkit migrate`, then reports up to date", async () => {
    const dir = await dataDir("app");
    const first = run("node", [serverEntry, "migrate"], { LOOPKIT_DATA_DIR: dir });
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/applied: \S+\.sql/);
    const again = run("node", [serverEntry, "migrate"], { LOOPKIT_DATA_DIR: dir });
    expect(await again.exited).toBe(0);
    expect(again.output()).toContain("up to date");
  });
});

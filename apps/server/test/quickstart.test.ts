import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Child, removeDataDirs, run, startEmbeddedServer } from "./process.js";

const publicKey = `lk_pub_${"p".repeat(40)}`;
const secretKey = `lk_sec_${"s".repeat(40)}`;

describe("examples/quickstart.ts against a real server (headless start with given keys)", () => {
  let server: Child;
  let url: string;
  beforeAll(async () => {
    ({ server, url } = await startEmbeddedServer("quickstart", {
      LOOPKIT_INIT_PUBLIC_KEY: publicKey,
      LOOPKIT_INIT_SECRET_KEY: secretKey,
    }));
  });
  afterAll(async () => {
    server.process.kill("SIGTERM");
    await server.exited;
    await removeDataDirs();
  });

  it("says the default project's keys came from the environment, and prints neither", () => {
    const out = server.output();
    expect(out).toContain(
      "with the keys from LOOPKIT_INIT_PUBLIC_KEY\nand LOOPKIT_INIT_SECRET_KEY; they are not printed.",
    );
    expect(out).not.toContain(secretKey);
    expect(out).not.toContain(publicKey);
  });

  it("logs, sends feedback and prints per-version metrics that include its events", async () => {
    const quickstart = run("pnpm", ["exec", "tsx", "examples/quickstart.ts"], {
      LOOPKIT_URL: url,
      LOOPKIT_PUBLIC_KEY: publicKey,
      LOOPKIT_SECRET_KEY: secretKey,
    });
    expect(await quickstart.exited, quickstart.output()).toBe(0);
    const out = quickstart.output();
    expect(out).toContain("delivered: 16 events");
    // v1 ran twice with one success; v2 twice with two.
    expect(out).toContain("v1: 2 requests, task success 50%");
    expect(out).toContain("v2: 2 requests, task success 100%");
  });
});

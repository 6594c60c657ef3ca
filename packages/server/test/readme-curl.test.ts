import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";

const run = promisify(execFile);
const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((b) => b.includes("curl"));

describe("the README's curl examples against a real server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite");
  });
  afterAll(() => server?.close());

  it("has curl examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  // In README order: the feedback example refers to the request logged by the first.
  it("runs each one, in order, and each answers without an error", async () => {
    for (const block of blocks) {
      const script = block.replaceAll("http://127.0.0.1:3000", server.url);
      const { stdout } = await run("bash", ["-euo", "pipefail", "-c", script], {
        env: {
          ...process.env,
          LOOPKIT_PUBLIC_KEY: server.a.publicKey,
          LOOPKIT_SECRET_KEY: server.a.secretKey,
        },
      });
      const answer = JSON.parse(stdout);
      expect(answer.error, `${block}\n→ ${stdout}`).toBeUndefined();
      expect(answer.result.data).toBeDefined();
      if (block.includes("ingest.batch")) {
        expect(answer.result.data.accepted, stdout).toBe(1);
      }
    }
    const feedback = await server.query(
      "feedback.list",
      { requestId: "0192f0c4-5b6a-7cde-8f01-23456789abcd" },
      server.a.secretKey,
    );
    expect(feedback.body.result.data).toMatchObject([{ name: "task_succeeded", value: true }]);
  });
});

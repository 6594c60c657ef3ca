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

  /** Runs one block as a user would paste it, against the test server; its JSON answer. */
  async function runBlock(block: string) {
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
    return answer.result.data;
  }
  const requestId = "0192f0c4-5b6a-7cde-8f01-23456789abcd";

  // In README order: the feedback example refers to the request logged by the first.
  it("runs each one, in order, and each answers what the README says", async () => {
    const answers = new Map<string, unknown>();
    for (const block of blocks) {
      const procedure = /\/trpc\/([a-zA-Z.]+)/.exec(block)![1]!;
      const data = await runBlock(block);
      if (procedure === "ingest.batch") expect(data.accepted, JSON.stringify(data)).toBe(1);
      answers.set(procedure, data);
    }
    const feedback = await server.query("feedback.list", { requestId }, server.a.secretKey);
    expect(feedback.body.result.data).toMatchObject([{ name: "task_succeeded", value: true }]);
    // The queries see the logged request, and the prompt version is registered as a draft.
    expect(answers.get("metrics.compareVersions")).toMatchObject({
      versions: [{ version: "v2", requests: 1 }],
    });
    expect(answers.get("requests.list")).toMatchObject({ requests: [{ id: requestId }] });
    expect(answers.get("experiments.config")).toMatchObject({
      notModified: false,
      experiments: [],
    });
    expect(answers.get("prompts.create")).toMatchObject({ version: "v3", status: "draft" });
  });

  it("a resent event is answered duplicate and stored once", async () => {
    const data = await runBlock(blocks[0]!);
    expect(data).toMatchObject({ accepted: 0, duplicates: 1, results: [{ status: "duplicate" }] });
    const page = await server.query("requests.list", {}, server.a.secretKey);
    expect(page.body.result.data.requests).toHaveLength(1);
  });
});

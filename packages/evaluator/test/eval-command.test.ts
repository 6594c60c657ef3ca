import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEvalCommand } from "../src/eval-command.js";
import type { EvaluationStore } from "../src/evaluation-store.js";
import { openTestStore } from "./test-store.js";

// The CLI end to end: flags and a config file, a JSONL dataset on disk, the local
// OpenAI-compatible server, and runs stored in PGlite. Scores are scripted from the input
// ("rate N" → every criterion N), so the expected mean is known: overall = (N − 1)/4.

let server: OpenAITestServer;
let store: EvaluationStore;
let closeStore: () => Promise<void>;
let dir: string;

beforeAll(async () => {
  ({ store, close: closeStore } = await openTestStore("pglite"));
  server = await startOpenAITestServer({
    respond: (request) => {
      const user = String(request.messages[1]?.content ?? request.messages[0]?.content ?? "");
      if (!request.response_format) return `candidate says: ${user}`;
      if (user.includes("<first_answer>")) {
        const first = user.split("<second_answer>")[0] ?? "";
        return JSON.stringify({
          rationale: "r",
          winner: first.includes("candidate says") ? "first" : "second",
        });
      }
      const score = Number(/rate (\d)/.exec(user)?.[1] ?? 3);
      const entry = { rationale: "r", score };
      return JSON.stringify({
        scores: { clarity: entry, usefulness: entry, correctness: entry, safety: entry },
      });
    },
  });
  dir = await mkdtemp(join(tmpdir(), "loopkit-eval-"));
  const lines = [4, 5, 4, 5].map((r, i) =>
    JSON.stringify({ input: `q${i} rate ${r}`, outputs: { v1: `old ${i}`, v2: `new ${i}` } }),
  );
  await writeFile(join(dir, "data.jsonl"), `${lines.join("\n")}\n`);
});
afterAll(async () => {
  await server.close();
  await closeStore();
});

async function run(argv: string[], env: Record<string, string> = { TEST_KEY: "k" }) {
  const stdout: string[] = [];
  const stderr = new PassThrough();
  const errText: string[] = [];
  stderr.on("data", (chunk) => errText.push(String(chunk)));
  const code = await runEvalCommand(argv, {
    stdout: { write: (t: string) => stdout.push(t) },
    stderr,
    env,
    cwd: dir,
    openStore: async () => ({ store, close: async () => {} }),
  });
  return { code, out: stdout.join(""), err: errText.join("") };
}

const base = () => [
  "--base-url",
  server.baseURL,
  "--api-key-env",
  "TEST_KEY",
  "--dataset",
  "data.jsonl",
];

describe("runEvalCommand", () => {
  it("judges a version, draws progress and prints the results table", async () => {
    const { code, out, err } = await run([...base(), "--version", "v2", "--min-score", "0.8"]);
    expect(err).toContain("judging");
    expect(err).toContain("4/4");
    expect(code).toBe(0);
    // mean of (4−1)/4, (5−1)/4, … = (0.75 + 1 + 0.75 + 1)/4 = 0.875
    expect(out).toMatch(/v2\s+4\s+4\s+0\s+0\.875/);
    expect(out).toContain(
      "criteria (mean): clarity 4.50 · usefulness 4.50 · correctness 4.50 · safety 4.50",
    );
  });

  it("exits 1 when the mean score is below --min-score", async () => {
    const { code, err } = await run([
      ...base(),
      "--version",
      "v2",
      "--min-score",
      "0.9",
      "--no-progress",
    ]);
    expect(code).toBe(1);
    expect(err).toContain("below --min-score 0.9");
  });

  it("compares versions pairwise from a config file, with a win-rate threshold", async () => {
    await writeFile(
      join(dir, "eval.json"),
      JSON.stringify({
        dataset: "data.jsonl",
        version: "v2",
        baseline: "v1",
        candidate: { template: "Answer: {{input}}" },
        judge: { baseURL: server.baseURL, apiKeyEnv: "TEST_KEY" },
        minWinRate: 0.5,
      }),
    );
    // The dataset's v2 outputs are used as given; the candidate template would only fill gaps.
    const { code, out } = await run(["--config", "eval.json", "--no-progress", "--json"]);
    const parsed = JSON.parse(out);
    expect(parsed.summary).toMatchObject({ judged: 4, ties: 4, positionConsistency: 0 });
    expect(code).toBe(1);
  });

  it("exits 3 when the budget stops the run, and --resume finishes it", async () => {
    const first = await run([
      ...base(),
      "--version",
      "v2",
      "--project",
      "budget",
      "--budget",
      "0.0000001",
      "--concurrency",
      "1",
      "--no-progress",
      "--json",
    ]);
    expect(first.code).toBe(3);
    const { runId, status } = JSON.parse(first.out);
    expect(status).toBe("budget_exhausted");
    const second = await run([
      ...base(),
      "--version",
      "v2",
      "--project",
      "budget",
      "--resume",
      runId,
      "--budget",
      "100",
      "--no-progress",
    ]);
    expect(second.code).toBe(0);
    expect(second.out).toContain(`run ${runId} (completed)`);
  });

  it("explains bad usage and a missing API key with exit code 2", async () => {
    const noVersion = await run([...base()]);
    expect(noVersion.code).toBe(2);
    expect(noVersion.err).toMatch(/--version is required.*--help/);
    const noKey = await run([...base(), "--version", "v2"], {});
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain("TEST_KEY");
    const unknown = await run(["--bogus"]);
    expect(unknown.code).toBe(2);
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: loopkit eval");
  });
});

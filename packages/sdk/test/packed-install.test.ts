/**
 * Issue 6's promise: a fresh project can `pnpm add @loopkit/sdk`, paste the README snippet and
 * see its events in the server. The SDK and `@loopkit/core` are packed with `pnpm pack` from
 * their built `dist` (turbo builds them before this test) and installed in a project under
 * `os.tmpdir()`, outside the workspace (see `packed-project.ts`); the first ```ts block of the
 * README runs there with plain `node` against a real server. This tests packaging, not storage,
 * so one driver (PGlite) suffices.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile, realpath } from "node:fs/promises";
import { join } from "node:path";
import { startTestServer, type TestServer } from "@loopkit/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPackedProject, type PackedProject } from "./packed-project.js";

/** The placeholders of the README snippet, replaced by the test server's address and key. */
const BASE_URL_PLACEHOLDER = '"https://loopkit.example.com"';
const KEY_PLACEHOLDER = '"lk_pub_…"';

async function readmeSnippet(): Promise<string> {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const snippet = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!snippet) throw new Error("packages/sdk/README.md has no ```ts block");
  return snippet;
}

/** Each leaf path of an `exports` map ("./dist/index.js", …), conditions and all. */
function exportedFiles(exportsMap: unknown): string[] {
  if (typeof exportsMap === "string") return [exportsMap];
  return Object.values(exportsMap as Record<string, unknown>).flatMap(exportedFiles);
}

describe("@loopkit/sdk installed from its packed tarball in a fresh project", () => {
  let project: PackedProject;
  let server: TestServer;
  let sdkDir: string;
  beforeAll(async () => {
    project = await createPackedProject();
    server = await startTestServer("pglite");
    sdkDir = await realpath(join(project.dir, "node_modules", "@loopkit", "sdk"));
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await project?.remove();
  });

  it("runs the README snippet, its placeholders filled in, and its log and thumbs are stored", async () => {
    const snippet = await readmeSnippet();
    expect(snippet).toContain(BASE_URL_PLACEHOLDER);
    expect(snippet).toContain(KEY_PLACEHOLDER);
    // What a user has around the snippet: their own input and output, and a shutdown at exit.
    const input = "How do I reset my password?";
    const output = "Open Settings, then Security, then Reset password.";
    const program = [
      `const input = ${JSON.stringify(input)};`,
      `const output = ${JSON.stringify(output)};`,
      snippet
        .replace(BASE_URL_PLACEHOLDER, JSON.stringify(server.url))
        .replace(KEY_PLACEHOLDER, JSON.stringify(server.a.publicKey)),
      "await loopkit.shutdown();",
      "console.log(JSON.stringify({ requestId, stats: loopkit.stats() }));",
    ].join("\n");
    const run = await project.run("snippet.js", program);
    expect(run.code, run.stderr).toBe(0);
    const { requestId, stats } = JSON.parse(run.stdout);
    expect(stats).toMatchObject({ delivered: 2, rejected: 0, failed: 0 }); // the log, the thumbs

    const requests = await server.db.query<Record<string, unknown>>(
      "SELECT id::text, input, output FROM requests WHERE project_id = $1",
      [server.a.id],
    );
    expect(requests).toEqual([{ id: requestId, input, output }]);
    const feedback = await server.db.query<Record<string, unknown>>(
      "SELECT request_id::text, kind, name, value_bool FROM feedback WHERE project_id = $1",
      [server.a.id],
    );
    expect(feedback).toEqual([
      { request_id: requestId, kind: "explicit", name: "thumbs", value_bool: true },
    ]);
  });

  it("loads every `exports` subpath with require and import, and every file the map names exists", async () => {
    const manifest = JSON.parse(readFileSync(join(sdkDir, "package.json"), "utf8"));
    expect(JSON.stringify(manifest)).not.toContain("workspace:");
    const missing = exportedFiles(manifest.exports).filter((f) => !existsSync(join(sdkDir, f)));
    expect(missing).toEqual([]);

    const specifiers = Object.keys(manifest.exports)
      .filter((subpath) => subpath !== "./package.json")
      .map((subpath) => `@loopkit/sdk${subpath.slice(1)}`);
    const run = await project.run(
      "entries.cjs",
      `const specifiers = ${JSON.stringify(specifiers)};
(async () => {
  const loaded = {};
  for (const specifier of specifiers) {
    loaded[specifier] = {
      require: Object.keys(require(specifier)).sort(),
      import: Object.keys(await import(specifier)).filter((k) => k !== "default").sort(),
    };
  }
  console.log(JSON.stringify(loaded));
})();`,
    );
    expect(run.code, run.stderr).toBe(0);
    const loaded: Record<string, { require: string[]; import: string[] }> = JSON.parse(run.stdout);
    for (const specifier of specifiers) {
      expect(loaded[specifier]!.require.length, specifier).toBeGreaterThan(0);
      expect(loaded[specifier]!.import, specifier).toEqual(loaded[specifier]!.require);
    }
    // The README's table of entries.
    expect(loaded["@loopkit/sdk"]!.require).toContain("createLoopkit");
    expect(loaded["@loopkit/sdk/redact"]!.require).toEqual(
      expect.arrayContaining(["redact", "createRedactor"]),
    );
    expect(loaded["@loopkit/sdk/experiments"]!.require).toContain("createExperiments");
  });

  it("installs none of the optional peers (openai, express, hono, …)", async () => {
    const manifest = JSON.parse(readFileSync(join(sdkDir, "package.json"), "utf8"));
    // Resolved in the project's own `node`: this process resolves from the workspace too.
    const run = await project.run(
      "peers.cjs",
      `const fromSdk = require("node:module").createRequire(require.resolve("@loopkit/sdk/package.json"));
const resolvable = (peer) => { try { fromSdk.resolve(peer); return true; } catch { return false; } };
console.log(JSON.stringify(${JSON.stringify(Object.keys(manifest.peerDependencies))}.filter(resolvable)));`,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([]);
  });
});

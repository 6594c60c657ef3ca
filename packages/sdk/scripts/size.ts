/**
 * Bundle-size check (`pnpm size`, run by `pnpm test`): bundles what a browser app imports, as
 * browsers get it (the `browser` build: minified ESM, browser platform, tree-shaken, Node-only
 * modules swapped by `browser-modules.ts`, `@loopkit/*` from source), gzips it (level 9, as
 * size-limit's "gzip" does), and exits non-zero when a row exceeds its limit.
 *
 * Limits (issue 6): the default entry ≤ 5 kB; with client-side redaction (`@loopkit/sdk/redact`)
 * ≤ 10 kB; with experiments (`@loopkit/sdk/experiments`) ≤ 6 kB.
 */
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type PluginBuild } from "esbuild";
import { browserModules } from "./browser-modules.js";

const sdk = fileURLToPath(new URL("../src/", import.meta.url));
const packages = fileURLToPath(new URL("../../", import.meta.url));

/** Resolves `@loopkit/x` to `packages/x/src/index.ts`, as the workspace's tests do. */
const workspaceSources = {
  name: "workspace-sources",
  setup(b: PluginBuild) {
    b.onResolve({ filter: /^@loopkit\// }, (args) => {
      const [, name, sub] = /^@loopkit\/([\w-]+)(?:\/([\w-]+))?$/.exec(args.path) ?? [];
      return { path: `${packages}${name}/src/${sub ?? "index"}.ts` };
    });
  },
};

/** Minified and gzipped bytes of a module that imports what a browser app would. */
async function measure(contents: string): Promise<{ min: number; gz: number }> {
  const result = await build({
    stdin: { contents, resolveDir: sdk, loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    treeShaking: true,
    plugins: [workspaceSources, browserModules],
    logLevel: "error",
  });
  const code = result.outputFiles[0]!.contents;
  return { min: code.length, gz: gzipSync(code, { level: 9 }).length };
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`;
const everything = `export * from "${sdk}index.ts";`;
const rows: Array<{ name: string; contents: string; limit?: number }> = [
  { name: "@loopkit/sdk (every export)", contents: everything, limit: 5000 },
  {
    name: "@loopkit/sdk createLoopkit + log",
    contents: `import { createLoopkit } from "${sdk}index.ts"; createLoopkit({ baseUrl: "", apiKey: "" }).log({});`,
    limit: 5000,
  },
  {
    name: "@loopkit/sdk + @loopkit/sdk/redact",
    contents: `${everything} export * from "${sdk}redact.ts";`,
    limit: 10000,
  },
  {
    name: "@loopkit/sdk + @loopkit/sdk/experiments",
    contents: `${everything} export * from "${sdk}experiments.ts";`,
    limit: 6000,
  },
  {
    name: "@loopkit/sdk + redact + experiments (reference)",
    contents: `${everything} export * from "${sdk}redact.ts"; export * from "${sdk}experiments.ts";`,
  },
  {
    name: "@loopkit/core redactDeep alone (reference)",
    contents: `export { redactDeep } from "@loopkit/core";`,
  },
];

const failures: string[] = [];
const lines = ["| entry | min | min+gz | limit | |", "|---|---:|---:|---:|---|"];
for (const row of rows) {
  const { min, gz } = await measure(row.contents);
  const over = row.limit !== undefined && gz > row.limit;
  if (over) failures.push(row.name);
  const limit = row.limit === undefined ? "" : kB(row.limit);
  const verdict = row.limit === undefined ? "" : over ? "❌ EXCEEDED" : "ok";
  lines.push(`| ${row.name} | ${kB(min)} | ${kB(gz)} | ${limit} | ${verdict} |`);
}
console.log(lines.join("\n"));
if (failures.length > 0) {
  console.error(
    `\nOver the size limit: ${failures.join(", ")} (packages/sdk/scripts/size.ts). Move the new code to a subpath entry or make it smaller.`,
  );
  process.exit(1);
}

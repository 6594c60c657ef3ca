import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
const sdkDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * This process's environment without `NODE_PATH`, which pnpm's bin shims set to the
 * workspace's hoisted `node_modules/.pnpm/node_modules`: inherited, it would let the fresh
 * project load whatever its own install lacks from the workspace.
 */
function userEnv(): NodeJS.ProcessEnv {
  const { NODE_PATH: _workspaceModules, ...env } = process.env;
  return env;
}

/** What a `node` run printed and how it ended. */
export interface NodeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A project outside the workspace with `@loopkit/sdk` installed from `pnpm pack` tarballs. */
export interface PackedProject {
  /** The project folder: `package.json` ("type": "module") and `node_modules`. */
  dir: string;
  /** Writes `source` to `file` in the project and runs it with this `node`. */
  run(file: string, source: string): Promise<NodeRun>;
  /** Deletes the project and the tarballs. */
  remove(): Promise<void>;
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}

async function readManifest(packageDir: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(packageDir, "package.json"), "utf8")) as Manifest;
}

/** `dir` (a workspace package) and, transitively, the workspace packages it needs at run time. */
async function withWorkspaceDependencies(dir: string, found = new Map<string, string>()) {
  const manifest = await readManifest(dir);
  found.set(manifest.name, dir);
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    if (range.startsWith("workspace:") && !found.has(name)) {
      // pnpm links a workspace dependency to its package folder.
      await withWorkspaceDependencies(await realpath(join(dir, "node_modules", name)), found);
    }
  }
  return found;
}

/** Runs `pnpm pack` in `packageDir` (its built `dist`, `workspace:` ranges rewritten). */
async function pack(packageDir: string, destination: string): Promise<string> {
  const { stdout } = await execFileAsync(
    "pnpm",
    ["pack", "--json", "--pack-destination", destination],
    { cwd: packageDir, env: userEnv() },
  );
  return (JSON.parse(stdout) as { filename: string }).filename;
}

/**
 * Packs the SDK and the workspace packages it depends on, then installs the SDK's tarball in a
 * new project under `os.tmpdir()`, as `pnpm add @loopkit/sdk` would from the registry. The
 * project's `overrides` stand in for the registry: the SDK's `@loopkit/core@0.1.0` resolves to
 * the packed core. `--prefer-offline` takes third-party packages (zod, …) from the pnpm store
 * and metadata cache that the workspace's install filled, and asks the registry only on a miss.
 */
export async function createPackedProject(): Promise<PackedProject> {
  const root = await mkdtemp(join(tmpdir(), "loopkit-packed-"));
  const tarballDir = join(root, "tarballs");
  const dir = join(root, "project");
  await mkdir(dir, { recursive: true });
  const tarballs = new Map<string, string>();
  for (const [name, packageDir] of await withWorkspaceDependencies(sdkDir)) {
    tarballs.set(name, await pack(packageDir, tarballDir));
  }
  const overrides = Object.fromEntries(
    [...tarballs]
      .filter(([name]) => name !== "@loopkit/sdk")
      .map(([name, t]) => [name, `file:${t}`]),
  );
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "fresh-project", private: true, type: "module" }),
  );
  // JSON is YAML: pnpm reads overrides from pnpm-workspace.yaml.
  await writeFile(join(dir, "pnpm-workspace.yaml"), JSON.stringify({ overrides }));
  await execFileAsync("pnpm", ["add", tarballs.get("@loopkit/sdk")!, "--prefer-offline"], {
    cwd: dir,
    env: userEnv(),
  });
  return {
    dir,
    async run(file, source) {
      await writeFile(join(dir, file), source);
      try {
        const { stdout, stderr } = await execFileAsync(process.execPath, [file], {
          cwd: dir,
          env: userEnv(),
        });
        return { code: 0, stdout, stderr };
      } catch (error) {
        // execFile rejects on a non-zero exit, with the exit code and the output.
        const failed = error as { code?: unknown; stdout?: string; stderr?: string };
        const code = typeof failed.code === "number" ? failed.code : -1;
        return { code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? String(error) };
      }
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/**
 * The main entry must run unchanged in browsers: bundling all of it for the browser platform must
 * succeed with nothing left external (a `node:` import, or a Node-only package, fails the build).
 */
describe("@loopkit/core main entry", () => {
  it("bundles for the browser with no Node built-ins", async () => {
    const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(
      inputs.some((path) => path.includes("gpt-tokenizer") || path.includes("genai-prices")),
    ).toBe(false);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s+["']node:/);
    expect(code).not.toMatch(/require\(["']node:/);
  });

  it("leaves SHA-256 out of the main entry: only @loopkit/core/pseudonym bundles @noble/hashes", async () => {
    const inputsOf = async (file: string) => {
      const result = await build({
        entryPoints: [fileURLToPath(new URL(file, import.meta.url))],
        bundle: true,
        platform: "browser",
        format: "esm",
        write: false,
        logLevel: "silent",
        metafile: true,
      });
      return Object.keys(result.metafile.inputs);
    };
    expect((await inputsOf("../src/index.ts")).some((p) => p.includes("@noble"))).toBe(false);
    expect((await inputsOf("../src/pseudonym.ts")).some((p) => p.includes("@noble"))).toBe(true);
  });
});

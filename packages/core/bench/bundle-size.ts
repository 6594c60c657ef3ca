import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** Size of a browser bundle that uses only the named exports of @loopkit/core. */
export interface BundleSize {
  exports: string[];
  minifiedBytes: number;
  gzipBytes: number;
}

const srcIndex = fileURLToPath(new URL("../src/index.ts", import.meta.url));

/**
 * Bundles a tiny browser entry that imports `names` from core's source with esbuild (bundle,
 * minify, tree-shake, platform browser), then gzips the result (level 9).
 */
export async function measureBundle(names: string[]): Promise<BundleSize> {
  const entry = `import { ${names.join(", ")} } from ${JSON.stringify(srcIndex)};\nglobalThis.__loopkit = { ${names.join(", ")} };\n`;
  const result = await build({
    stdin: {
      contents: entry,
      resolveDir: fileURLToPath(new URL(".", import.meta.url)),
      loader: "ts",
    },
    bundle: true,
    minify: true,
    treeShaking: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  return {
    exports: names,
    minifiedBytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const names of [["redact", "assignVariant"], ["redact"], ["assignVariant"]]) {
    const size = await measureBundle(names);
    console.log(
      `${size.exports.join(" + ")}: ${(size.minifiedBytes / 1024).toFixed(1)} KiB min, ${(size.gzipBytes / 1024).toFixed(1)} KiB min+gz`,
    );
  }
}

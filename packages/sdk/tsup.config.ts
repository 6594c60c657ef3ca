import { defineConfig } from "tsup";
import { browserModules } from "./scripts/browser-modules.js";

export default defineConfig([
  {
    // The default entry, plus opt-in subpaths that keep redaction, experiments and framework glue out of it.
    entry: [
      "src/index.ts",
      "src/redact.ts",
      "src/experiments.ts",
      "src/openai.ts",
      "src/express.ts",
      "src/hono.ts",
      "src/fetch-handler.ts",
    ],
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    // dist/browser is the other build's.
    clean: ["!browser/**"],
    target: "es2022",
  },
  {
    // What browsers get (the `browser` export condition): the same entries without Node-only modules.
    entry: ["src/index.ts", "src/redact.ts", "src/experiments.ts"],
    outDir: "dist/browser",
    format: ["esm"],
    platform: "browser",
    sourcemap: true,
    clean: true,
    target: "es2022",
    esbuildPlugins: [browserModules],
  },
]);

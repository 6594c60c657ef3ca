import { defineConfig } from "tsup";

export default defineConfig({
  // The default entry, plus opt-in subpaths that keep redaction and framework glue out of it.
  entry: [
    "src/index.ts",
    "src/redact.ts",
    "src/openai.ts",
    "src/express.ts",
    "src/hono.ts",
    "src/fetch-handler.ts",
  ],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
});

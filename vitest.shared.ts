import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const packagesDir = fileURLToPath(new URL("./packages/", import.meta.url));

/**
 * Shared Vitest settings. Tests import sibling packages from source (`@loopkit/x` resolves to
 * `packages/x/src/index.ts`, `@loopkit/x/y` to `packages/x/src/y.ts`), so a change in one package
 * is seen by the tests of the others without a rebuild.
 */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@loopkit\/([\w-]+)\/([\w-]+)$/, replacement: `${packagesDir}$1/src/$2.ts` },
      { find: /^@loopkit\/([\w-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
    ],
  },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

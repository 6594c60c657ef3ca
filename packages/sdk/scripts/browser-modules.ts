/**
 * The esbuild plugin behind the SDK's browser build (`tsup.config.ts`) and its size check
 * (`scripts/size.ts`): an import of `./name.js` resolves to `src/name.browser.ts` where that file
 * exists, so Node-only modules (the process exit and signal handling) are left out of what
 * browsers download. package.json serves that build under the `browser` export condition.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Plugin } from "esbuild";

export const browserModules: Plugin = {
  name: "loopkit-browser-modules",
  setup(build) {
    build.onResolve({ filter: /^\.\/[\w-]+\.js$/ }, (args) => {
      const browser = join(args.resolveDir, args.path.replace(/\.js$/, ".browser.ts"));
      return existsSync(browser) ? { path: browser } : undefined;
    });
  },
};

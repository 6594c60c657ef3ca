import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// These tests start real server processes (migrations on a fresh embedded database take tens of
// seconds on a loaded machine), so they get longer limits than the shared defaults.
export default mergeConfig(
  shared,
  defineConfig({ test: { testTimeout: 300_000, hookTimeout: 300_000 } }),
);

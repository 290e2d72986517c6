import { defineConfig } from "vitest/config";
import path from "node:path";
import { TEST_KEYS } from "./scripts/test-keys.mjs";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: [
      "lib/**/*.test.ts",
      "app/**/*.test.ts",
      "cli/**/*.test.ts",
      "device/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    environment: "node",
    // One database per run on PostgreSQL; files share it, so they run one at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { CLAIMLINK_DATA_DIR: "e2e/.tmp/unit-data", ...TEST_KEYS },
  },
});

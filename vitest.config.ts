import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Opens the run's secret-hygiene folder and, at the end, scans it for raw keys (fails the run on a hit).
    globalSetup: ["test/support/global-setup.ts"],
  },
});

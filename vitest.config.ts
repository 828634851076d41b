import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Fuzz suites run 100k+ seeded cases; give them room on a 2-core CI box.
    testTimeout: 120_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});

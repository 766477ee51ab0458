import { defineConfig } from 'vitest/config';

// Unit tests only (formatting, state, series shaping): no browser, no services.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});

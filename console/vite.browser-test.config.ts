import { defineConfig } from 'vite';

// Builds the page test/browser.test.ts opens in headless Chromium: the
// crypto module as the console ships it, bundled, run by a real browser.
export default defineConfig({
  root: 'test/browser',
  logLevel: 'warn',
  build: {
    outDir: '../../.test-build/browser',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
  },
});

import { defineConfig } from 'vite';

// The console is served by the hub from console/dist at `/`, same origin as
// the API. No inline script, no third-party origin: everything is bundled.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Inlined assets would become `data:` URLs, which a strict CSP refuses.
    assetsInlineLimit: 0,
  },
});

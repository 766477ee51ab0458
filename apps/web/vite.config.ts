import { defineConfig } from 'vite';

// The dashboard is served by the gateway from dist/: hashed file names under assets/ (cached for ever),
// nothing loaded from another origin. `npm run dev` proxies the API to a gateway on :8005.
const gateway = process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:8005';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0, sourcemap: true },
  server: {
    proxy: {
      '/broxiva.analytics.': { target: gateway, changeOrigin: false },
      '/health': { target: gateway },
    },
  },
});

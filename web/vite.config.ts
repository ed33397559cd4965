import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Dev server proxies the API to a monitor on the default port (override with DWCP_MONITOR_URL).
const monitor = process.env['DWCP_MONITOR_URL'] ?? 'http://127.0.0.1:9500';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/api/live': { target: monitor, ws: true },
      '/api': monitor,
      '/health': monitor,
      '/metrics': monitor,
    },
  },
});

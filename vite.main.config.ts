/**
 * Electron main process build (used by the Forge Vite plugin). ESM output (the package is
 * "type": "module"); native and heavy Node dependencies stay external.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    target: 'node20',
    sourcemap: true,
    rollupOptions: {
      external: ['electron', /^node:/, '@duckdb/node-api', '@questdb/nodejs-client', 'ccxt', 'ws', 'tsx', /\.node$/],
      output: { format: 'es', entryFileNames: 'main.js' },
    },
  },
});

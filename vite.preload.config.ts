/** Preload build: sandboxed preloads must be CommonJS (`preload.cjs` in a "type": "module" package). */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    target: 'chrome130',
    sourcemap: true,
    rollupOptions: {
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: 'preload.cjs', inlineDynamicImports: true },
    },
  },
});

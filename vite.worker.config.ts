/**
 * The backtest worker thread of the Electron main process (src/main/backtest/worker): built
 * beside main.js as worker-entry.mjs, the file BacktestRuns starts (WORKER_ENTRY).
 */
import { defineConfig } from 'vite';
import { MAIN_EXTERNALS } from './vite.main.config';

export default defineConfig({
  build: {
    target: 'node20',
    sourcemap: true,
    // Our own lib entry: the plugin's default would emit CommonJS, which a "type": "module" package cannot load.
    lib: { entry: 'src/main/backtest/worker/backtest-worker.ts', formats: ['es'], fileName: () => 'worker-entry.mjs' },
    rollupOptions: {
      external: MAIN_EXTERNALS,
      output: { format: 'es', entryFileNames: 'worker-entry.mjs' },
    },
  },
});

/**
 * Renderer build (multi-page: the main window and the chart window). Output goes where the
 * Electron Forge Vite plugin expects the `main_window` renderer and where `libra serve` serves
 * from. Relative base so the same build loads from file:// (Electron) and http:// (browser mode).
 * esbuild handles TSX (automatic runtime); no eval, no inline scripts (strict CSP).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, 'src/renderer');

export default defineConfig({
  root,
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: resolve(import.meta.dirname, '.vite/renderer/main_window'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: {
        main: resolve(root, 'windows/main/main.html'),
        chart: resolve(root, 'windows/chart/chart.html'),
      },
      onwarn(warning, warn) {
        // zod ships explanatory comments beside its @__PURE__ annotations; rollup drops them noisily.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/zod/')) return;
        warn(warning);
      },
    },
  },
  server: { strictPort: false },
});

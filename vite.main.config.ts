/**
 * Electron main process build (used by the Forge Vite plugin). ESM output (the package is
 * "type": "module"). Everything is bundled except Electron, Node built-ins and the runtime
 * externals (native or lazily loaded packages), which forge.config.ts copies into the package
 * (scripts/package-layout.ts).
 */
import { defineConfig } from 'vite';
import { RUNTIME_EXTERNALS } from './scripts/package-layout';

export const MAIN_EXTERNALS = ['electron', /^node:/, ...RUNTIME_EXTERNALS.flatMap((p) => [p, new RegExp(`^${p.replace('/', '\\/')}/`)]), /\.node$/];

export default defineConfig({
  build: {
    target: 'node20',
    sourcemap: true,
    // Our own lib entry: the plugin's default would emit CommonJS, which a "type": "module" package cannot load.
    lib: { entry: 'src/main/app/main.ts', formats: ['es'], fileName: () => 'main.js' },
    rollupOptions: {
      external: MAIN_EXTERNALS,
      output: { format: 'es', entryFileNames: 'main.js' },
    },
  },
});

/**
 * Electron Forge: Vite builds (main, preload, renderer), makers for every platform, and the
 * Fuses that lock the packaged binary down (no ELECTRON_RUN_AS_NODE, asar integrity checked,
 * app loaded only from the asar, cookies encrypted).
 *
 * The Vite plugin packages only `.vite/` (electron/forge#3917, #3738); `packageAfterCopy` adds
 * the runtime externals with their dependencies and the Rust addon (scripts/package-layout.ts),
 * and their native binaries (and tsx's esbuild executable) stay outside the asar, unpacked.
 * test/build/package-layout.test.ts builds and lays out the package this way and loads it.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ForgeConfig } from '@electron-forge/shared-types';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerDMG } from '@electron-forge/maker-dmg';
import { MakerRpm } from '@electron-forge/maker-rpm';
import { MakerSquirrel } from '@electron-forge/maker-squirrel';
import { MakerZIP } from '@electron-forge/maker-zip';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { layoutPackage } from './scripts/package-layout';

const config: ForgeConfig = {
  packagerConfig: {
    name: 'LIBRA',
    executableName: 'libra',
    asar: { unpack: '{**/*.node,**/node_modules/@esbuild/**,**/node_modules/esbuild/bin/**}' },
    icon: 'resources/icons/libra',
    extraResource: ['resources/sample-data', 'resources/icons'],
  },
  rebuildConfig: {},
  hooks: {
    packageAfterCopy: async (_config, buildPath) => {
      layoutPackage(dirname(fileURLToPath(import.meta.url)), buildPath);
    },
  },
  makers: [
    new MakerSquirrel({ name: 'libra' }),
    new MakerZIP({}, ['darwin', 'linux', 'win32']),
    new MakerDMG({}),
    new MakerDeb({ options: { name: 'libra', productName: 'LIBRA', categories: ['Office'], icon: 'resources/icons/libra.png' } }),
    new MakerRpm({ options: { name: 'libra', productName: 'LIBRA', icon: 'resources/icons/libra.png' } }),
  ],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'src/main/app/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'src/main/backtest/worker/backtest-worker.ts', config: 'vite.worker.config.ts', target: 'main' },
        { entry: 'src/preload/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    }),
  ],
};

export default config;

#!/usr/bin/env node
// Entry point of the `libra` command. It runs the ahead-of-time build in .build/ (made by
// scripts/build-cli.js at `npm ci`), after checking that build against the sources: when src/
// changed since, it rebuilds first (esbuild, well under a second), so edited sources never run
// stale. Only when a build is impossible (no esbuild, read-only checkout) does it fall back to
// running the TypeScript sources through tsx, saying so in one line on stderr.
// LIBRA_FROM_SOURCE=1 forces the tsx path. Users' strategy files load through tsx either way.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { BUILD_DIR, buildCli, isFresh, readManifest } from '../scripts/build-cli.js';

async function loadMain() {
  if (process.env.LIBRA_FROM_SOURCE !== '1') {
    let manifest = readManifest();
    if (!isFresh(manifest)) {
      try {
        manifest = await buildCli();
      } catch (error) {
        const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
        process.stderr.write(`libra: the built CLI is missing or older than src/ and rebuilding failed (${why}); running the sources through tsx (slower start)\n`);
        manifest = null;
      }
    }
    if (manifest) return import(pathToFileURL(join(BUILD_DIR, manifest.dir, 'main.js')).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('../src/main/cli/main.ts');
}

const { main } = await loadMain();
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}

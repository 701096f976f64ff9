#!/usr/bin/env node
/**
 * Ahead-of-time build of the `libra` CLI (run by `npm ci` / `npm install` through the `prepare`
 * script, and by bin/libra.js itself when the sources changed since the last build).
 *
 * esbuild bundles src/main/cli/main.ts, the backtest worker and the optimizer's sweep worker into .build/cli-<hash>/ (ESM,
 * code-split so commands and heavy paths load only when used); every npm package stays external
 * (ccxt, DuckDB, ws, tsx, vite are imported by the code paths that need them, at run time).
 *
 * Paths the sources compute from `import.meta.url` (the sample data, the repo root for
 * `libra serve`, the native addon, the parent of a user's strategy file) keep meaning what they
 * mean in src/: each file's `import.meta.url` is rewritten to the URL of its own source file.
 * Two exceptions: the worker pools resolve `./worker-entry.mjs` and `./sweep-worker-entry.mjs`
 * beside themselves, so those files keep the bundle's URL and the build writes both entries next
 * to the bundle (built workers start without compiling TypeScript in every thread).
 *
 * .build/cli.json names the current output folder and the inputs it was built from (path, mtime,
 * size, and the source folders' mtimes so a new command file counts too); bin/libra.js compares that
 * with the working tree at every start (a few hundred stat calls, ~1 ms).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_DIR = join(ROOT, '.build');
export const MANIFEST = join(BUILD_DIR, 'cli.json');
const MANIFEST_VERSION = 1;
const ENTRIES = {
  main: 'src/main/cli/main.ts',
  'backtest-worker': 'src/main/backtest/worker/backtest-worker.ts',
  'sweep-worker': 'src/main/backtest/optimize/sweep-worker.ts',
};
/** Files whose import.meta.url must stay the bundle's own (they resolve siblings the build writes). */
const KEEP_IMPORT_META = new Set(['src/main/backtest/worker/backtest-runs.ts', 'src/main/backtest/optimize/pool.ts']);
/** The build's own inputs besides the sources: a change to them rebuilds too. */
const EXTRA_INPUTS = ['scripts/build-cli.js', 'package.json'];

const posix = (p) => p.split(sep).join('/');

/** Rewrites `import.meta.url` in each source file to that file's own URL (see the header). */
function sourceUrlPlugin(outdirDepthRel) {
  return {
    name: 'libra-source-url',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) => {
        const rel = posix(relative(ROOT, args.path));
        let contents = readFileSync(args.path, 'utf8');
        if (!rel.startsWith('../') && !KEEP_IMPORT_META.has(rel) && contents.includes('import.meta.url')) {
          const fromOut = posix(join(outdirDepthRel, rel));
          contents = contents.split('import.meta.url').join(`new URL(${JSON.stringify(fromOut)}, import.meta.url).href`);
        }
        return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
      });
    },
  };
}

function fingerprint(files) {
  const inputs = {};
  const dirs = {};
  for (const rel of files) {
    const st = statSync(join(ROOT, rel));
    inputs[rel] = [st.mtimeMs, st.size];
    // Source folders count too (a new command file changes what `./commands/${name}.ts` finds);
    // the root does not (a report written there must not trigger a rebuild).
    const dir = posix(dirname(rel));
    if (dir.startsWith('src/') && !(dir in dirs)) dirs[dir] = statSync(join(ROOT, dir)).mtimeMs;
  }
  return { inputs, dirs };
}

/** True when .build/cli.json matches the working tree (the bundle can run as is). */
export function isFresh(manifest) {
  if (manifest?.version !== MANIFEST_VERSION || typeof manifest.dir !== 'string') return false;
  if (!existsSync(join(BUILD_DIR, manifest.dir, 'main.js'))) return false;
  try {
    for (const [rel, [mtime, size]] of Object.entries(manifest.inputs)) {
      const st = statSync(join(ROOT, rel));
      if (st.mtimeMs !== mtime || st.size !== size) return false;
    }
    for (const [rel, mtime] of Object.entries(manifest.dirs)) if (statSync(join(ROOT, rel)).mtimeMs !== mtime) return false;
  } catch {
    return false;
  }
  return true;
}

export function readManifest() {
  try {
    return JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Builds the CLI into a new .build/cli-<hash>/ and switches .build/cli.json to it atomically
 * (a concurrent `libra` keeps running from the folder it started with). Returns the manifest.
 */
export async function buildCli({ quiet = true } = {}) {
  const esbuild = await import('esbuild');
  mkdirSync(BUILD_DIR, { recursive: true });
  const staging = join(BUILD_DIR, `tmp-${process.pid}-${Date.now()}`);
  const started = performance.now();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: quiet ? 'error' : 'warning',
    // Output files sit in .build/<dir>/, two levels below the root: `../../` from them is the root.
    plugins: [sourceUrlPlugin('../..')],
  });
  writeFileSync(join(staging, 'worker-entry.mjs'), "// Built backtest worker (scripts/build-cli.js).\nimport './backtest-worker.js';\n");
  writeFileSync(join(staging, 'sweep-worker-entry.mjs'), "// Built optimizer sweep worker (scripts/build-cli.js).\nimport './sweep-worker.js';\n");
  const sources = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/') && !p.includes('/node_modules/'));
  const files = [...new Set([...sources, ...EXTRA_INPUTS])].sort();
  const hash = createHash('sha256');
  for (const name of readdirSync(staging).sort()) hash.update(name).update(readFileSync(join(staging, name)));
  const dir = `cli-${hash.digest('hex').slice(0, 12)}`;
  const target = join(BUILD_DIR, dir);
  try {
    if (existsSync(target)) rmSync(staging, { recursive: true, force: true });
    else renameSync(staging, target);
  } catch (error) {
    // A concurrent build of the same sources got there first: its folder is identical.
    if (!existsSync(join(target, 'main.js'))) throw error;
    rmSync(staging, { recursive: true, force: true });
  }
  const manifest = { version: MANIFEST_VERSION, dir, builtAt: new Date().toISOString(), ...fingerprint(files) };
  const tmp = `${MANIFEST}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(manifest)}\n`);
  renameSync(tmp, MANIFEST);
  pruneOld(dir);
  if (!quiet) console.error(`libra: built the CLI into .build/${dir} (${files.length} inputs, ${Math.round(performance.now() - started)} ms)`);
  return manifest;
}

/** Removes superseded output folders older than an hour (a running `libra` may still use a newer one). */
function pruneOld(current) {
  const cutoff = Date.now() - 3_600_000;
  for (const name of readdirSync(BUILD_DIR)) {
    if (name === current || !/^(cli-[0-9a-f]{12}|tmp-\d+-\d+)$/.test(name)) continue;
    try {
      if (statSync(join(BUILD_DIR, name)).mtimeMs < cutoff) rmSync(join(BUILD_DIR, name), { recursive: true, force: true });
    } catch {
      // another process pruned it first
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await buildCli({ quiet: false });
  } catch (error) {
    console.error(`libra build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

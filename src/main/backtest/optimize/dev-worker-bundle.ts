/**
 * The sweep worker as one plain-JavaScript file when LIBRA runs from its TypeScript sources (tsx,
 * vitest, the benches). Without it every worker thread registers tsx, which starts a loader
 * thread of its own and transforms the whole engine file by file: about a CPU-second per worker
 * before its first set. The built CLI's workers already load a bundle and never come here.
 *
 * The bundle is built with esbuild (a dependency of tsx, so present wherever the sources run)
 * into node_modules/.cache/libra-sweep/ — inside the checkout, so the packages it leaves external
 * resolve as from the sources — and reused while none of its inputs changed (size and mtime of
 * each, recorded beside it). `import.meta.url` in each source becomes that source's own URL, so
 * modules that find files next to themselves (the native addon) find them as from the sources.
 * Only pool.ts imports this file, by a computed URL, so the CLI bundle never includes esbuild.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..', '..');
const ENTRY = join(HERE, 'sweep-worker.ts');
const CACHE = join(ROOT, 'node_modules', '.cache', 'libra-sweep');
const OUT = join(CACHE, 'sweep-worker.mjs');
const MANIFEST = join(CACHE, 'sweep-worker.inputs.json');

type Fingerprint = Record<string, readonly [number, number]>;

function fingerprint(files: readonly string[]): Fingerprint | null {
  const out: Record<string, readonly [number, number]> = {};
  for (const f of files) {
    try {
      const s = statSync(join(ROOT, f));
      out[f] = [s.size, s.mtimeMs];
    } catch {
      return null;
    }
  }
  return out;
}

function fresh(): boolean {
  if (!existsSync(OUT) || !existsSync(MANIFEST)) return false;
  try {
    const recorded = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { inputs?: Fingerprint };
    const inputs = recorded.inputs ?? {};
    const now = fingerprint(Object.keys(inputs));
    if (now === null || Object.keys(inputs).length === 0) return false;
    return Object.entries(inputs).every(([f, v]) => now[f]?.[0] === v[0] && now[f]?.[1] === v[1]);
  } catch {
    return false;
  }
}

let pending: Promise<URL> | null = null;

/** The bundled worker's URL (built on first use, or when a source changed). */
export function devSweepWorker(): Promise<URL> {
  pending ??= build().catch((error: unknown) => {
    pending = null;
    throw error;
  });
  return pending;
}

async function build(): Promise<URL> {
  if (fresh()) return pathToFileURL(OUT);
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    write: false,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    metafile: true,
    logLevel: 'error',
    plugins: [
      {
        name: 'source-import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.tsx?$/ }, (args) => {
            let contents = readFileSync(args.path, 'utf8');
            if (contents.includes('import.meta.url')) contents = contents.split('import.meta.url').join(JSON.stringify(pathToFileURL(args.path).href));
            return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
          });
        },
      },
    ],
  });
  const code = result.outputFiles[0]?.text;
  if (code === undefined) throw new Error('esbuild produced no sweep worker bundle');
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(ROOT, join(ROOT, p)));
  const fp = fingerprint(inputs);
  mkdirSync(CACHE, { recursive: true });
  // Written aside then renamed: a concurrent run sees the old file or the new one, never half.
  const tmp = `${OUT}.${process.pid}.${Date.now()}`;
  writeFileSync(tmp, code);
  renameSync(tmp, OUT);
  if (fp !== null) {
    writeFileSync(`${tmp}.json`, JSON.stringify({ inputs: fp }));
    renameSync(`${tmp}.json`, MANIFEST);
  }
  return pathToFileURL(OUT);
}

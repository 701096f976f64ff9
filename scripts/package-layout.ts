/**
 * What the packaged app needs beside the Vite bundles (electron/forge#3917, #3738: the Forge
 * Vite plugin packages only `.vite/`, so every module the main bundle leaves external would be
 * missing). Used by forge.config.ts (`packageAfterCopy`) and by test/build/package-layout.test.ts.
 *
 * - RUNTIME_EXTERNALS: the packages the main/worker bundles import at run time instead of
 *   bundling (native code, or loaded lazily by one feature): copied with their whole production
 *   dependency tree into `<app>/node_modules`, each at the same relative path as in this checkout
 *   (so Node resolves exactly what it resolves here). Everything else is bundled by Vite.
 * - The Rust addon (native/index.cjs + native/*.node) goes to `<app>/native/`, where
 *   src/main/native/index.ts looks for it walking up from the main bundle.
 *
 * Native binaries only exist for the platform this checkout was installed on: package on the
 * platform you target (as with any native Node module).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

// h5wasm-plugins finds its plugin files next to its own module (import.meta.url), so neither it nor h5wasm can be bundled
export const RUNTIME_EXTERNALS: readonly string[] = ['@duckdb/node-api', '@questdb/nodejs-client', '@modelcontextprotocol/sdk', 'ccxt', 'ws', 'tsx', 'h5wasm', 'h5wasm-plugins'];

/** Finds `name` the way Node does from `fromDir`: the nearest node_modules/<name> upwards. */
function findPackage(name: string, fromDir: string, projectDir: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === projectDir) return null;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The production dependency closure of `roots` as directories (absolute), resolved from the
 * project root. Optional dependencies that are not installed (other platforms' binaries) are skipped;
 * a missing required one is an error naming it.
 */
interface PackageJson {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean } | undefined>;
}

export function dependencyClosure(projectDir: string, roots: readonly string[] = RUNTIME_EXTERNALS): string[] {
  const found = new Set<string>();
  const queue: { name: string; from: string; optional: boolean; by: string }[] = roots.map((name) => ({ name, from: projectDir, optional: false, by: 'package.json' }));
  while (queue.length > 0) {
    const { name, from, optional, by } = queue.shift()!;
    const dir = findPackage(name, from, projectDir);
    if (!dir) {
      if (optional) continue;
      throw new Error(`packaging: ${name} (needed by ${by}) is not installed: run npm ci`);
    }
    if (found.has(dir)) continue;
    found.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false, by: pkg.name });
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, optional: true, by: pkg.name });
    for (const [dep, meta] of Object.entries(pkg.peerDependenciesMeta ?? {})) if (meta?.optional) queue.push({ name: dep, from: dir, optional: true, by: pkg.name });
  }
  return [...found].sort();
}

/** Copies the runtime externals and the native addon into the app folder `buildPath`. */
export function layoutPackage(projectDir: string, buildPath: string): { packages: string[]; addon: string[] } {
  const packages = dependencyClosure(projectDir);
  for (const dir of packages) {
    const rel = relative(projectDir, dir);
    // A package's own nested node_modules are copied as packages of their own (when needed).
    cpSync(dir, join(buildPath, rel), {
      recursive: true,
      dereference: true,
      filter: (src) => !relative(dir, src).split(sep).includes('node_modules'),
    });
  }
  const nativeDir = join(projectDir, 'native');
  const addon = existsSync(nativeDir) ? readdirSync(nativeDir).filter((f) => f.endsWith('.node')) : [];
  if (addon.length > 0) {
    mkdirSync(join(buildPath, 'native'), { recursive: true });
    for (const f of ['index.cjs', 'package.json', ...addon]) if (existsSync(join(nativeDir, f))) cpSync(join(nativeDir, f), join(buildPath, 'native', f));
  }
  return { packages: packages.map((d) => relative(projectDir, d).split(sep).join('/')), addon };
}

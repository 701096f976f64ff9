/**
 * The packaged desktop app is complete: main, the backtest worker, preload and renderer are built
 * with the Vite configs that forge.config.ts's VitePlugin resolves (the plugin's own config
 * generator, production mode), laid out as `electron-forge package` lays out the app folder (the
 * plugin's ignore rule keeps only `.vite/`; its packageAfterCopy writes package.json; ours adds
 * the runtime externals and the addon), and then loaded under plain Node from that folder:
 * the main bundle, every package any bundle imports (DuckDB runs a query, tsx compiles a
 * TypeScript file, the Rust addon answers), and a backtest in the built worker thread. A resolve
 * hook and the CommonJS cache record every module file loaded: all must lie inside the folder.
 *
 * The one stand-in: no Electron binary exists on this machine, so `electron` resolves to a stub
 * module (generated with the names the bundle imports) for this load test only. The stub's
 * requestSingleInstanceLock() returns false, so main.js quits before opening windows.
 */
import { spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';
import type { InlineConfig } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../../forge.config';
import { RUNTIME_EXTERNALS } from '../../scripts/package-layout';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SAMPLE = join(ROOT, 'resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv');
const tmp = mkdtempSync(join(tmpdir(), 'libra-package-'));
const app = join(tmp, 'LIBRA-linux-x64/resources/app');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface VitePluginLike {
  readonly name: string;
  readonly config: unknown;
  init(dir: string, config: unknown): void;
  resolveForgeConfig(c: typeof config): Promise<typeof config>;
  packageAfterCopy(c: typeof config, buildPath: string): Promise<void>;
}
interface ConfigGenerator {
  getBuildConfigs(): Promise<InlineConfig[]>;
  getRendererConfig(): Promise<InlineConfig[]>;
}

const plugin = (config.plugins ?? []).find((p) => (p as { name?: string }).name === 'vite') as unknown as VitePluginLike;
const built: string[] = [];

beforeAll(async () => {
  // The Forge Vite plugin's own config generator (what `electron-forge package` builds with).
  const { default: Generator } = (await import('@electron-forge/plugin-vite/dist/ViteConfig.js' as string)) as {
    default: new (pluginConfig: unknown, projectDir: string, isProd: boolean) => ConfigGenerator;
  };
  const generator = new Generator(plugin.config, ROOT, true);
  const outDir = (c: InlineConfig, dir: string): InlineConfig => ({ ...c, configFile: false, logLevel: 'error', build: { ...c.build, outDir: dir, watch: null } });
  for (const c of await generator.getBuildConfigs()) await build(outDir(c, join(app, '.vite/build')));
  for (const c of await generator.getRendererConfig()) await build(outDir(c, join(app, '.vite/renderer/main_window')));
  built.push(...readdirSync(join(app, '.vite/build')));

  // Forge's packaging steps for the app folder: the plugin's ignore rule, then both packageAfterCopy hooks.
  plugin.init(ROOT, config);
  const resolved = await plugin.resolveForgeConfig({ ...config, packagerConfig: { ...config.packagerConfig } });
  const ignore = resolved.packagerConfig?.ignore as (file: string) => boolean;
  expect(ignore('/.vite/build/main.js')).toBe(false);
  expect(ignore('/node_modules/ccxt/package.json')).toBe(true); // why our hook must copy them
  await plugin.packageAfterCopy(config, app);
  const hook = config.hooks?.packageAfterCopy as unknown as (c: typeof config, buildPath: string, electron: string, platform: string, arch: string) => Promise<void>;
  await hook(config, app, '41.10.0', process.platform, process.arch);
}, 600_000);

/** Bare specifiers (packages) the built JS files import, statically or dynamically. */
function importedPackages(dir: string): Set<string> {
  const found = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => /\.m?js$/.test(n))) {
    const code = readFileSync(join(dir, f), 'utf8');
    // The keyword only, not the word inside a string: "--import" (a flag) or "import" (a condition name).
    for (const m of code.matchAll(/(?<![-\w$.'"`])(?:from\s*|import\s*\(\s*|import\s*)["']([^"'./][^"']*)["']/g)) found.add(m[1]!);
  }
  return found;
}

describe('the packaged app folder', () => {
  it('has the bundles where the app looks for them', () => {
    for (const f of ['main.js', 'worker-entry.mjs', 'preload.cjs']) expect(built).toContain(f);
    expect(existsSync(join(app, '.vite/renderer/main_window/windows/main/main.html'))).toBe(true);
    expect(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'))).toMatchObject({ main: '.vite/build/main.js', type: 'module' });
    expect(readdirSync(join(app, 'native')).some((f) => f.endsWith('.node'))).toBe(true);
    // The shell's icons come from resources/icons, which the packager adds as an extra resource.
    const code = built.filter((n) => n.endsWith('.js')).map((n) => readFileSync(join(app, '.vite/build', n), 'utf8')).join('\n');
    expect(code).toContain('tray.png');
    expect(code).toContain('libra.png');
    for (const dir of config.packagerConfig?.extraResource ?? []) expect(existsSync(join(ROOT, dir)), dir).toBe(true);
  });

  it('imports nothing outside Electron, Node and the runtime externals it carries', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const pkgName = (s: string): string => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
    const foreign = [...importedPackages(join(app, '.vite/build'))].filter((s) => !builtins.has(s) && !s.startsWith('node:') && !s.startsWith('electron') && !RUNTIME_EXTERNALS.includes(pkgName(s)));
    expect(foreign).toEqual([]);
    for (const p of RUNTIME_EXTERNALS) expect(existsSync(join(app, 'node_modules', p, 'package.json'))).toBe(true);
  });

  it('loads under plain Node with every module resolved inside the folder', async () => {
    const bundles = readdirSync(join(app, '.vite/build')).filter((n) => /\.m?js$/.test(n)).map((n) => readFileSync(join(app, '.vite/build', n), 'utf8')).join('\n');
    const names = new Set<string>();
    for (const m of bundles.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']electron["']/g)) for (const n of m[1]!.split(',')) names.add(n.trim().split(/\s+as\s+/)[0]!);
    const stub = join(tmp, 'electron-stub.mjs');
    writeFileSync(
      stub,
      `// Test stand-in for Electron (no Electron binary here): every name is a no-op object.
const any = new Proxy(function () {}, {
  get: (_t, k) => (k === 'then' ? undefined : k === 'requestSingleInstanceLock' ? () => false : any),
  apply: () => any,
  construct: () => any,
});
export default any;
${[...names].map((n) => `export const ${n} = any;`).join('\n')}
`,
    );
    const trace = join(tmp, 'trace.txt');
    const hook = join(tmp, 'hook.mjs');
    writeFileSync(
      hook,
      `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(pathToFileURL(stub).href)}, shortCircuit: true };
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(trace)}, r.url + '\\\\n');
  return r;
}\`));
`,
    );
    const strategy = join(tmp, 'hold.ts');
    writeFileSync(strategy, 'export default class Hold { private n: number = 0; onBar(): void { this.n++; } }\n');
    const externals = [...importedPackages(join(app, '.vite/build'))].filter((s) => RUNTIME_EXTERNALS.some((p) => s === p || s.startsWith(`${p}/`)));
    const probe = join(app, '.vite/build/probe.mjs');
    writeFileSync(
      probe,
      `import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
const out = {};
await import('./main.js');
for (const p of ${JSON.stringify(externals)}) await import(p);
const { DuckDBInstance } = await import('@duckdb/node-api');
const db = await DuckDBInstance.create(':memory:');
out.duckdb = String((await (await db.connect()).runAndReadAll('select 40 + 2')).getRows()[0][0]);
const { tsImport } = await import('tsx/esm/api');
const strategy = await tsImport(${JSON.stringify(pathToFileURL(strategy).href)}, import.meta.url);
out.tsx = typeof (strategy.default?.default ?? strategy.default); // a .ts file outside a "type": "module" package loads as CommonJS
const require = createRequire(import.meta.url);
out.addon = require('../../native/index.cjs').addonVersion();
out.worker = await new Promise((done, fail) => {
  const w = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: { dataPath: ${JSON.stringify(SAMPLE)}, strategy: 'sma-cross', params: {}, capital: 10000, feeBps: 10, slippageBps: 0 } });
  w.on('message', (m) => { if (m.t !== 'progress') { done(m.t === 'result' ? { bars: m.output.bars, trades: m.output.tradesTotal } : m); void w.terminate(); } });
  w.on('error', fail);
});
out.cjs = Object.keys(require.cache);
console.log(JSON.stringify(out));
`,
    );
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn(process.execPath, ['--import', pathToFileURL(hook).href, probe], { cwd: tmp, env: { PATH: process.env.PATH ?? '', HOME: tmp } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { duckdb: string; tsx: string; addon: string; worker: { bars: number; trades: number }; cjs: string[] };
    expect(out.duckdb).toBe('42');
    expect(out.tsx).toBe('function');
    expect(out.addon).toMatch(/^\d+\.\d+\.\d+$/);
    expect(out.worker.bars).toBeGreaterThan(10_000);
    expect(out.worker.trades).toBeGreaterThan(0);

    const files = [...readFileSync(trace, 'utf8').split('\n').filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u)), ...out.cjs.filter((k) => isAbsolute(k))]; // tsx keys the compiled user file by a data: URL
    expect(files.length).toBeGreaterThan(50);
    const outside = [...new Set(files.filter((f) => !f.startsWith(`${app}/`) && f !== probe && f !== strategy))];
    expect(outside).toEqual([]);
    expect(files.some((f) => f.includes('/node_modules/ccxt/'))).toBe(true);
    expect(files.some((f) => f.includes('/node_modules/@duckdb/'))).toBe(true);
  }, 300_000);
});

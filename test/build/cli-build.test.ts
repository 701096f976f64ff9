/**
 * The built CLI (scripts/build-cli.js, run by `npm ci`): what `libra` runs, which packages each
 * command loads (a real module-resolve hook in the spawned process records every module), the
 * rebuild when a source changed, the tsx fallback when no build can be made, and the backtest
 * worker from the built output. Everything runs the real CLI in child processes; no mocks.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const TRACE = join(ROOT, 'test/build/trace-imports.mjs');
const SAMPLE = join(ROOT, 'resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv');
const tmp = mkdtempSync(join(tmpdir(), 'libra-build-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every module URL the process resolved, relative to `root` where inside it. */
  readonly modules: readonly string[];
}

let traces = 0;
function libra(args: readonly string[], root = ROOT, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const trace = join(tmp, `trace-${++traces}.txt`);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', TRACE, join(root, 'bin/libra.js'), ...args], {
      cwd: tmp,
      env: { ...process.env, LIBRA_FROM_SOURCE: '', ...env, LIBRA_TRACE_IMPORTS: trace },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const urls = existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter(Boolean) : [];
      const prefix = `file://${root}/`;
      const modules = [...new Set(urls.filter((u) => !u.startsWith('node:')).map((u) => (u.startsWith(prefix) ? u.slice(prefix.length) : u)))];
      done({ code, stdout, stderr, modules });
    });
  });
}

const packagesOf = (modules: readonly string[]): string[] =>
  [...new Set(modules.flatMap((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1] ?? []))].sort();
const sourcesOf = (modules: readonly string[]): string[] => modules.filter((m) => m.startsWith('src/'));

describe('the built CLI', () => {
  // The first start after a source change rebuilds (see below); the checks here are of a fresh build.
  beforeAll(async () => {
    expect((await libra(['--help'])).code).toBe(0);
  });

  it('answers --help from .build/ without loading a single npm package', async () => {
    const r = await libra(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^libra — a trading workstation/);
    expect(r.stderr).toBe('');
    expect(r.modules.some((m) => /^\.build\/cli-[0-9a-f]{12}\/main\.js$/.test(m))).toBe(true);
    expect(sourcesOf(r.modules)).toEqual([]);
    expect(packagesOf(r.modules)).toEqual([]);
  });

  it('runs the README sample backtest without ccxt, DuckDB, vite, ws or tsx', async () => {
    const html = join(tmp, 'report.html');
    const r = await libra(['backtest', '--data', SAMPLE, '--strategy', 'sma-cross', '--html', html]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Fees paid/);
    expect(readFileSync(html, 'utf8')).toMatch(/<html/i);
    expect(sourcesOf(r.modules)).toEqual([]);
    expect(packagesOf(r.modules)).toEqual(['zod']);
  });

  it('loads tsx only for a strategy file written in TypeScript', async () => {
    const file = join(tmp, 'hold.ts');
    writeFileSync(file, 'export default class Hold { private n: number = 0; onBar(): void { this.n++; } }\n');
    const r = await libra(['backtest', '--data', SAMPLE, '--strategy', file, '--quiet', '--json', join(tmp, 'hold.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(packagesOf(r.modules)).toContain('tsx');
    expect(sourcesOf(r.modules)).toEqual([]);
  });

  it('runs `libra optimize` in the built sweep workers: no TypeScript source, no tsx', async () => {
    const r = await libra(['optimize', '--data', SAMPLE, '--strategy', 'sma-cross', '--grid', 'fast=5:15:10', '--grid', 'slow=40:80:40', '--workers', '2', '--top', '2']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fast=\d+ slow=\d+/);
    expect(r.modules.some((m) => /^\.build\/cli-[0-9a-f]{12}\/sweep-worker\.js$/.test(m))).toBe(true);
    expect(sourcesOf(r.modules)).toEqual([]);
    expect(packagesOf(r.modules)).not.toContain('tsx');
  });

  it('still says an unknown command is unknown (exit 2, one line)', async () => {
    const r = await libra(['nosuch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('libra nosuch: unknown command "nosuch" (try libra --help)\n');
  });

  it('serves the API with `libra serve` and runs its backtests in the built worker', async () => {
    const trace = join(tmp, 'trace-serve.txt');
    const child = spawn(process.execPath, ['--import', TRACE, join(ROOT, 'bin/libra.js'), 'serve', '--port', '0', '--no-start', '--data-dir', join(tmp, 'serve-data'), '--static', join(tmp, 'no-ui')], {
      cwd: tmp,
      env: { ...process.env, LIBRA_FROM_SOURCE: '', LIBRA_TRACE_IMPORTS: trace },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<URL>((done, fail) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/m.exec(out);
          if (m?.[1]) done(new URL(m[1]));
        });
        child.once('exit', (code) => fail(new Error(`libra serve exited (${String(code)}): ${out}`)));
      });
      const call = async (method: string, body: unknown): Promise<{ ok: boolean; value: { id: string; status: string; error: string | null; progress: { done: number; total: number } | null } }> => {
        const res = await fetch(`${url.origin}/api/call/${method}?token=${url.searchParams.get('token') ?? ''}`, { method: 'POST', body: JSON.stringify(body) });
        return (await res.json()) as never;
      };
      const started = await call('backtest.start', { data: { sample: 'BTC-USD_coinbase_4h_2016-2025.csv' }, strategy: 'sma-cross', params: {}, capital: 10_000, feeBps: 10, slippageBps: 0 });
      expect(started.ok).toBe(true);
      let run = started.value;
      const deadline = Date.now() + 240_000;
      while (run.status === 'running' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        run = (await call('backtest.status', { id: started.value.id })).value;
      }
      expect(run.error).toBeNull();
      expect(run.status).toBe('done');
      expect(run.progress?.done).toBe(run.progress?.total);
    } finally {
      child.kill('SIGTERM');
    }
    const modules = readFileSync(trace, 'utf8').split('\n').filter((u) => u.startsWith(`file://${ROOT}/`)).map((u) => u.slice(`file://${ROOT}/`.length));
    expect(sourcesOf(modules)).toEqual([]);
    expect(modules.some((m) => /^\.build\/cli-[0-9a-f]{12}\/backtest-worker\.js$/.test(m))).toBe(true);
  }, 300_000);

  it('runs a backtest in the built worker thread', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, '.build/cli.json'), 'utf8')) as { dir: string };
    const entry = join(ROOT, '.build', manifest.dir, 'worker-entry.mjs');
    const worker = new Worker(entry, { workerData: { dataPath: SAMPLE, strategy: 'sma-cross', params: {}, capital: 10_000, feeBps: 10, slippageBps: 0 } });
    const result = await new Promise<{ t: string; output?: { bars: number; tradesTotal: number }; message?: string }>((done, fail) => {
      worker.on('message', (m: { t: string }) => {
        if (m.t !== 'progress') done(m);
      });
      worker.on('error', fail);
    });
    await worker.terminate();
    expect(result.message).toBeUndefined();
    expect(result.t).toBe('result');
    expect(result.output?.bars).toBeGreaterThan(10_000);
    expect(result.output?.tradesTotal).toBeGreaterThan(0);
  });
});

describe('a checkout whose build is missing or stale', () => {
  // A copy of the sources with the real node_modules and resources linked in.
  const copy = join(tmp, 'checkout');
  cpSync(join(ROOT, 'src'), join(copy, 'src'), { recursive: true });
  cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'scripts'), join(copy, 'scripts'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  symlinkSync(join(ROOT, 'resources'), join(copy, 'resources'));
  const mainTs = join(copy, 'src/main/cli/main.ts');

  it('builds on first use, then rebuilds when a source changes (never runs stale code)', async () => {
    const first = await libra(['--help'], copy);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(existsSync(join(copy, '.build/cli.json'))).toBe(true);
    const before = (JSON.parse(readFileSync(join(copy, '.build/cli.json'), 'utf8')) as { dir: string }).dir;

    writeFileSync(mainTs, readFileSync(mainTs, 'utf8').replace('libra — a trading workstation', 'libra — an edited workstation'));
    const second = await libra(['--help'], copy);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    expect(second.stdout).toMatch(/^libra — an edited workstation/);
    const after = (JSON.parse(readFileSync(join(copy, '.build/cli.json'), 'utf8')) as { dir: string }).dir;
    expect(after).not.toBe(before);
    expect(sourcesOf(second.modules)).toEqual([]);
  });

  it('picks up a new command file, and does not rebuild for a file written in the root', async () => {
    writeFileSync(join(copy, 'src/main/cli/commands/hello.ts'), "export async function run(argv: string[]): Promise<void> {\n  process.stdout.write(`hello ${argv.join(' ')}\\n`);\n}\n");
    const r = await libra(['hello', 'world'], copy);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hello world\n');
    const builtAt = (JSON.parse(readFileSync(join(copy, '.build/cli.json'), 'utf8')) as { builtAt: string }).builtAt;
    writeFileSync(join(copy, 'report.html'), '<html></html>\n');
    expect((await libra(['--help'], copy)).code).toBe(0);
    expect((JSON.parse(readFileSync(join(copy, '.build/cli.json'), 'utf8')) as { builtAt: string }).builtAt).toBe(builtAt);
  });

  it('falls back to the sources through tsx, saying so on stderr, when it cannot build', async () => {
    writeFileSync(mainTs, readFileSync(mainTs, 'utf8').replace(/libra — an? \w+ workstation/, 'libra — a fallback workstation'));
    rmSync(join(copy, '.build'), { recursive: true, force: true });
    writeFileSync(join(copy, '.build'), 'not a folder: the build cannot be written here\n');
    const r = await libra(['--help'], copy);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^libra — a fallback workstation/);
    expect(r.stderr).toMatch(/^libra: the built CLI is missing or older than src\/ and rebuilding failed \(.+\); running the sources through tsx \(slower start\)\n$/);
    expect(sourcesOf(r.modules)).toContain('src/main/cli/main.ts');
  });
});

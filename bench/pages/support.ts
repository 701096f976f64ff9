/**
 * Node-side helpers for the browser benches (chart-fps, ui-latency): build a bench page with vite
 * (programmatic config, output under .vite/bench/ — gitignored with the rest of .vite/), serve a
 * folder on a loopback port, launch headless Chromium without background throttling.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS, ROOT } from '../../test/e2e/support';

export { CHROMIUM, ROOT };

/**
 * The e2e flags plus the ones that keep rAF and timers at full rate in a headless, never-focused
 * window (otherwise Chromium may throttle a "background" renderer and the fps would be fiction).
 */
export const BENCH_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS,
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: BENCH_CHROMIUM_ARGS });
}

/** Builds bench/pages/<name>/index.html into .vite/bench/<name>; returns the output folder. */
export async function buildPage(name: string): Promise<string> {
  const root = resolve(ROOT, 'bench/pages', name);
  const outDir = resolve(ROOT, '.vite/bench', name);
  await build({
    configFile: false,
    root,
    base: './',
    logLevel: 'error',
    esbuild: { jsx: 'automatic' },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      modulePreload: { polyfill: false },
      rollupOptions: {
        input: resolve(root, 'index.html'),
        onwarn(warning, warn) {
          if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/zod/')) return;
          warn(warning);
        },
      },
    },
  });
  return outDir;
}

const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** Serves `dir` on 127.0.0.1 (module scripts do not load from file://). */
export async function serveDir(dir: string): Promise<{ origin: string; close(): Promise<void> }> {
  const base = resolve(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(base, path === '/' ? 'index.html' : path));
    if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** Percentile of an ascending-sorted array (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * Latency summary of the page benches: `n`, the percentiles `ps` (nearest rank) as `p<k>`, `max`
 * and `min`, each rounded to 0.1.
 */
export function latencyStats(xs: readonly number[], ps: readonly number[]): Record<string, number> {
  const s = [...xs].sort((a, b) => a - b);
  const out: Record<string, number> = { n: s.length };
  for (const p of ps) out[`p${p}`] = round1(percentile(s, p));
  out['max'] = round1(s.at(-1) ?? Number.NaN);
  out['min'] = round1(s[0] ?? Number.NaN);
  return out;
}

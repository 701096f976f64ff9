/**
 * E2E support: builds the renderer when needed, starts `libra serve` as a child process on a
 * free port and reads the URL line, finds a browser. Everything started here is stopped by the
 * returned `stop()` (the tests call it in afterAll: no leaked processes).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import type { Browser, CDPSession, Page } from 'playwright-core';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const RENDERER_OUT = join(ROOT, '.vite/renderer/main_window');
export const ARTIFACTS = join(ROOT, 'artifacts/e2e');
export const CHROMIUM = process.env.LIBRA_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

function rendererFresh(): boolean {
  const page = join(RENDERER_OUT, 'windows/main/main.html');
  const srcNewest = Math.max(newestMtime(join(ROOT, 'src/renderer')), newestMtime(join(ROOT, 'src/shared')));
  return existsSync(page) && statSync(page).mtimeMs >= srcNewest;
}

/**
 * Builds the renderer if it is missing or older than its sources. Test files run in parallel
 * processes: one builds while the others wait on a lock directory (a build empties the output
 * folder, so a second build must not run under a server already serving it).
 */
export function ensureRendererBuilt(): void {
  if (rendererFresh()) return;
  const lock = `${RENDERER_OUT}.build-lock`;
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process builds; a lock older than 2 minutes is stale (its builder died).
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`renderer build lock ${lock} held for 2 minutes`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!rendererFresh()) buildRenderer();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function buildRenderer(): void {
  // NODE_ENV=production: vitest sets NODE_ENV=test, and vite builds React's development bundle
  // for any NODE_ENV but production (jsxDEV, dev checks: several times slower under load).
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'vite.renderer.config.ts', '--logLevel', 'error'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error(`renderer build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface Served {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly child: ChildProcess;
  readonly dataDir: string;
  readonly startedAt: number;
  readonly urlAt: number;
  /** Everything the server printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Stops the server (SIGTERM) and waits for it to exit, keeping its data folder. */
  halt(): Promise<void>;
  stop(): Promise<void>;
}

export async function startServe(extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const dataDir = mkdtempSync(join(tmpdir(), 'libra-e2e-'));
  const startedAt = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin/libra.js'), 'serve', '--port', '0', '--data-dir', dataDir, ...extra], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let errText = '';
  child.stderr.on('data', (d: Buffer) => (errText += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`libra serve printed no URL in 60 s\n${out}\n${errText}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/m.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`libra serve exited (${code})\n${out}\n${errText}`));
    });
  });
  const urlAt = performance.now();
  const halt = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    child,
    dataDir,
    startedAt,
    urlAt,
    output: () => `${out}\n${errText}`,
    halt,
    stop: async () => {
      await halt();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Launches Debian's Chromium, opens the served main window at `viewport`, collects page errors
 * of every page of the context into `pageErrors`, and waits until the window's stream is open.
 */
export async function openMainWindow(
  served: Served,
  viewport: { width: number; height: number },
  pageErrors: string[],
  options: { readonly latencyMs?: number; readonly beforeGoto?: (page: Page) => Promise<void> } = {},
): Promise<{ browser: Browser; main: Page; network: CDPSession | undefined }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport });
  context.on('page', (p) => p.on('pageerror', (e) => pageErrors.push(e.message)));
  const main = await context.newPage();
  const network = options.latencyMs !== undefined ? await emulateLatency(main, options.latencyMs) : undefined;
  await options.beforeGoto?.(main);
  await main.goto(served.url);
  await main.getByTestId('connection').filter({ hasText: /^open$/ }).waitFor({ timeout: 15_000 });
  return { browser, main, network };
}

/**
 * The set-up most window suites share: the artifacts folder, the renderer built once, `libra serve`
 * started with `serveArgs` and the main window open at `viewport` (see openMainWindow). Pair it with
 * closeServed in afterAll.
 */
export async function serveAndOpen(serveArgs: string[], viewport: { width: number; height: number }, pageErrors: string[]): Promise<{ served: Served; browser: Browser; main: Page }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  ensureRendererBuilt();
  const served = await startServe(serveArgs);
  const { browser, main } = await openMainWindow(served, viewport, pageErrors);
  return { served, browser, main };
}

/** Closes what serveAndOpen opened (either may be missing when the set-up failed part-way). */
export async function closeServed(browser: Browser | undefined, served: Served | undefined): Promise<void> {
  await browser?.close();
  await served?.stop();
}

/**
 * Chromium's network emulation (DevTools protocol Network.emulateNetworkConditions) on one page:
 * `latencyMs` added to every request (the page, its scripts, the WebSocket handshake), no
 * throughput cap; `offline: true` cuts the page off (its open sockets drop).
 */
export async function emulateLatency(page: Page, latencyMs: number): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await setNetwork(cdp, latencyMs);
  return cdp;
}

/** Changes the emulated conditions of a session from `emulateLatency`. */
export async function setNetwork(cdp: CDPSession, latencyMs: number, offline = false): Promise<void> {
  await cdp.send('Network.emulateNetworkConditions', { offline, latency: latencyMs, downloadThroughput: -1, uploadThroughput: -1 });
}

/**
 * The Cluster panel in Chromium: a real redis-server, the loopback Binance simulator, an
 * execution + data node (`libra run`) and a strategy node served by `libra serve --config`
 * (no key file, no passphrase). The window of the strategy node lists both nodes with their
 * roles, state `running`, a recent beat, and market data (x1 sent, none dropped; s1 received,
 * no gaps); once the execution node is SIGKILLed its beats expire and it shows as `lost`.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_SECRET, startBinanceSim } from '../sim/binance';
import type { BinanceSim } from '../sim/binance';
import { startRedisServer } from '../support/redis-server';
import type { RedisServer } from '../support/redis-server';
import { until } from '../support/until';
import { ARTIFACTS, CHROMIUM, ensureRendererBuilt, openMainWindow, ROOT, startServe } from './support';
import type { Served } from './support';

const hasBrowser = existsSync(CHROMIUM);
const LIBRA = join(ROOT, 'bin/libra.js');

describe.skipIf(!hasBrowser)('the Cluster panel (libra serve --config on a strategy node)', () => {
  let redis: RedisServer | undefined;
  let sim: BinanceSim | undefined;
  let exec: ChildProcess | undefined;
  let served: Served | undefined;
  let browser: Browser | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;

  afterAll(async () => {
    if (ticker) clearInterval(ticker);
    await browser?.close();
    await served?.stop();
    exec?.kill('SIGKILL');
    await sim?.close();
    await redis?.close();
  });

  it('lists every node with roles, state, beat and market data counts, and shows a killed node as lost', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureRendererBuilt();
    redis = await startRedisServer();
    sim = await startBinanceSim({});
    const u = sim.ccxtUrls;
    const venue = { ccxtId: 'binance', name: 'BINANCE', mode: 'live', keyId: 'sim', allowUnknownWithdrawal: true, restUrls: { public: u.public, private: u.private, v1: u.v1 }, wsUrls: { spot: u.ws.spot, 'ws-api': u.ws['ws-api'] }, symbols: ['BTC/USDT'] };
    const prefix = `e${process.pid}`;
    const execDir = mkdtempSync(join(tmpdir(), 'libra-e2e-x1-'));
    const added = spawnSync(process.execPath, [LIBRA, 'keys', 'add', '--id', 'sim', '--venue', 'binance', '--environment', 'production', '--data-dir', execDir], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, LIBRA_KEY_PASSPHRASE: 'correct horse', LIBRA_API_KEY: DEFAULT_API_KEY, LIBRA_API_SECRET: DEFAULT_SECRET },
    });
    expect(added.stdout).toMatch(/stored key sim/);
    writeFileSync(join(execDir, 'run.json'), JSON.stringify({ venues: [venue], record: false, cluster: { redis: redis.url, node: 'x1', roles: ['execution', 'data'], prefix } }));
    exec = spawn(process.execPath, [LIBRA, 'run', '--config', join(execDir, 'run.json'), '--data-dir', execDir], { cwd: ROOT, env: { ...process.env, LIBRA_KEY_PASSPHRASE: 'correct horse' } });
    let execOut = '';
    exec.stdout?.on('data', (d: Buffer) => (execOut += d.toString()));
    exec.stderr?.on('data', (d: Buffer) => (execOut += d.toString()));
    await until(() => /CLUSTER execution: reading order intents/.test(execOut), 60_000, 'the execution node');
    ticker = setInterval(() => sim?.trade('BTCUSDT', 30_000, 0.01), 200);

    const dir = mkdtempSync(join(tmpdir(), 'libra-e2e-s1-'));
    writeFileSync(join(dir, 's1.json'), JSON.stringify({ venues: [venue], record: false, cluster: { redis: redis.url, node: 's1', roles: ['strategy'], prefix } }));
    const env = { ...process.env };
    delete env['LIBRA_KEY_PASSPHRASE'];
    served = await startServe(['--config', join(dir, 's1.json')], env);
    const pageErrors: string[] = [];
    const opened = await openMainWindow(served, { width: 1400, height: 900 }, pageErrors);
    browser = opened.browser;
    const main = opened.main;

    const panel = main.getByTestId('cluster-panel');
    await panel.waitFor({ timeout: 20_000 });
    const x1 = main.getByTestId('cluster-node-x1');
    const s1 = main.getByTestId('cluster-node-s1');
    await x1.filter({ hasText: /sent [1-9]\d*, dropped 0/ }).waitFor({ timeout: 20_000 });
    await s1.filter({ hasText: /received [1-9]\d*, gaps 0/ }).waitFor({ timeout: 20_000 });
    expect(await x1.innerText()).toMatch(/x1\s+execution,data\s+running\s+[0-2]\.\d s ago\s+\d+ ms/);
    expect(await s1.innerText()).toMatch(/s1 \(this\)\s+strategy\s+running\s+[0-2]\.\d s ago\s+\d+ ms/);
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: join(ARTIFACTS, 'cluster-panel.png') });

    // The execution node dies: its heartbeat hash expires (3 s) and the panel says lost.
    exec.kill('SIGKILL');
    await x1.filter({ hasText: /lost/ }).waitFor({ timeout: 15_000 });
    await panel.screenshot({ path: join(ARTIFACTS, 'cluster-panel-lost.png') });
    expect(pageErrors).toEqual([]);
  }, 240_000);
});

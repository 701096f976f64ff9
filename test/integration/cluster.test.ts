/**
 * Two `libra run` processes as a cluster over a real redis-server (started here on a free
 * loopback port, its own dir, stopped by PID; nothing is flushed): an execution node holding the
 * key of the loopback Binance simulator, and a strategy node with no key file and no passphrase
 * whose strategy buys once. Exactly one venue order, its fill reaches the strategy once, and a
 * SIGKILLed, restarted strategy node places nothing more.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_SECRET, startBinanceSim } from '../sim/binance';
import type { BinanceSim } from '../sim/binance';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const LIBRA = join(ROOT, 'bin/libra.js');
const children: ChildProcess[] = [];
const sims: BinanceSim[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const s of sims.splice(0)) await s.close();
});

// Buys 0.001 BTC once: not again while it holds the position or has an order open (both
// restored from the strategy node's journal after a restart).
const STRATEGY = `
export default class BuyOnce {
  private ctx: any;
  private said = false;
  onStart(ctx: any) { this.ctx = ctx; }
  onTrade(t: { instrumentId: string }) {
    const held = this.ctx.netQuantity(t.instrumentId);
    const open = this.ctx.openOrders(t.instrumentId).length;
    if (held !== 0 || open > 0) {
      if (!this.said) console.log('BUYONCE holding ' + held + ' open ' + open);
      this.said = true;
      return;
    }
    if (this.said) return;
    this.said = true;
    console.log('BUYONCE buying');
    this.ctx.market(t.instrumentId, 'BUY', 0.001);
  }
}
`;

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

function track(child: ChildProcess) {
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function startRedis(): Promise<string> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'libra-redis-'));
  const r = track(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { cwd: dir }));
  await until(() => /Ready to accept connections/.test(r.output()), 20_000, () => `redis-server; output:\n${r.output()}`);
  return `redis://127.0.0.1:${port}`;
}

function startNode(dir: string, env: NodeJS.ProcessEnv = {}) {
  const clean = { ...process.env };
  delete clean['LIBRA_KEY_PASSPHRASE'];
  return track(spawn(process.execPath, [LIBRA, 'run', '--config', join(dir, 'run.json'), '--data-dir', dir], { cwd: ROOT, env: { ...clean, ...env } }));
}

async function until(what: () => boolean, ms: number, label: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${label()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function count(text: string, re: RegExp): number {
  return text.match(new RegExp(re.source, `${re.flags}g`))?.length ?? 0;
}

describe('cluster over Redis: execution node + strategy node (`libra run`)', () => {
  it('turns one intent into exactly one venue order, delivers its fill once, and places nothing more after the strategy node is SIGKILLed and restarted', async () => {
    const redis = await startRedis();
    const sim = await startBinanceSim({});
    sims.push(sim);
    const u = sim.ccxtUrls;
    const venue = { ccxtId: 'binance', name: 'BINANCE', mode: 'live', keyId: 'sim', allowUnknownWithdrawal: true, restUrls: { public: u.public, private: u.private, v1: u.v1 }, wsUrls: { spot: u.ws.spot, 'ws-api': u.ws['ws-api'] }, symbols: ['BTC/USDT'] };
    const prefix = `t${process.pid}`;

    const execDir = mkdtempSync(join(tmpdir(), 'libra-exec-'));
    const added = spawnSync(process.execPath, [LIBRA, 'keys', 'add', '--id', 'sim', '--venue', 'binance', '--environment', 'production', '--data-dir', execDir], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, LIBRA_KEY_PASSPHRASE: 'correct horse', LIBRA_API_KEY: DEFAULT_API_KEY, LIBRA_API_SECRET: DEFAULT_SECRET },
    });
    expect(added.stdout).toMatch(/stored key sim/);
    writeFileSync(join(execDir, 'run.json'), JSON.stringify({ venues: [venue], risk: { defaults: { maxOrderNotional: 1000 } }, record: false, cluster: { redis, node: 'x1', roles: ['execution', 'data'], prefix } }));
    const exec = startNode(execDir, { LIBRA_KEY_PASSPHRASE: 'correct horse' });
    await until(() => /CLUSTER execution: reading order intents/.test(exec.output()), 60_000, () => `the execution node; output:\n${exec.output()}`);
    expect(exec.output()).toMatch(/CLUSTER lease BINANCE acquired \(fence \d+\)/);

    // The strategy node: same venues block, no key file in its folder, no passphrase.
    const stratDir = mkdtempSync(join(tmpdir(), 'libra-strat-'));
    writeFileSync(join(stratDir, 'buy-once.ts'), STRATEGY);
    writeFileSync(join(stratDir, 'run.json'), JSON.stringify({ venues: [venue], strategies: [{ strategy: join(stratDir, 'buy-once.ts'), instruments: ['BTC/USDT@BINANCE'] }], record: false, cluster: { redis, node: 's1', roles: ['strategy'], prefix } }));
    let strat = startNode(stratDir);
    await until(() => /STRATEGY .* started/.test(strat.output()), 60_000, () => `the strategy node; output:\n${strat.output()}`);

    const ticker = setInterval(() => sim.trade('BTCUSDT', 30_000, 0.5), 200);
    try {
      await until(() => /FILL /.test(strat.output()), 30_000, () => `a fill on the strategy node; strategy:\n${strat.output()}\nexecution:\n${exec.output()}`);
      const status = spawnSync(process.execPath, [LIBRA, 'cluster', 'status', '--redis', redis, '--prefix', prefix], { cwd: ROOT, encoding: 'utf8' });
      expect(status.stdout).toMatch(/^s1\troles=strategy\tstate=running\tlast beat \d+\.\d s ago\tlag \d+ ms$/m);
      expect(status.stdout).toMatch(/^x1\troles=execution,data\tstate=running/m);

      expect(sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
      expect(sim.orders()).toHaveLength(1);
      expect(sim.orders()[0]?.clientOrderId).toMatch(/^s1\.L\d+-1$/);
      expect(count(strat.output(), / FILL s1\.L\d+-1 /), strat.output()).toBe(1);
      expect(strat.output()).not.toMatch(/key file|passphrase/i);

      // SIGKILL the strategy node and start it again: its journal says it holds the position.
      strat.child.kill('SIGKILL');
      await new Promise((r) => strat.child.once('exit', r));
      strat = startNode(stratDir);
      await until(() => /BUYONCE holding 0\.001 open 0/.test(strat.output()), 60_000, () => `the restarted strategy to see its position; output:\n${strat.output()}`);
    } finally {
      clearInterval(ticker);
    }
    expect(strat.output()).not.toMatch(/BUYONCE buying/);
    expect(sim.orders()).toHaveLength(1);
    expect(sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
  }, 180_000);
});

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

// Rests a limit BUY far below the market, cancels it once accepted, then buys at market once
// the cancel is confirmed: a cancel intent across nodes, then a fill.
const CANCEL_THEN_BUY = `
export default class CancelThenBuy {
  private ctx: any;
  private step = 0;
  onStart(ctx: any) { this.ctx = ctx; }
  onTrade(t: { instrumentId: string }) {
    if (this.step !== 0) return;
    this.step = 1;
    this.ctx.limit(t.instrumentId, 'BUY', 0.001, 20000);
  }
  onOrder(o: { clientOrderId: string; instrumentId: string; status: string }) {
    if (o.status === 'ACCEPTED' && this.step === 1) {
      this.step = 2;
      console.log('CTB cancel ' + o.clientOrderId + ' ' + this.ctx.cancel(o.clientOrderId));
    } else if (o.status === 'CANCELED' && this.step === 2) {
      this.step = 3;
      console.log('CTB canceled ' + o.clientOrderId);
      this.ctx.market(o.instrumentId, 'BUY', 0.001);
    }
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

async function setup() {
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
  const startExecution = () => startNode(execDir, { LIBRA_KEY_PASSPHRASE: 'correct horse' });
  const exec = startExecution();
  await until(() => /CLUSTER execution: reading order intents/.test(exec.output()), 60_000, () => `the execution node; output:\n${exec.output()}`);
  expect(exec.output()).toMatch(/CLUSTER lease BINANCE acquired \(fence \d+\)/);

  // The strategy node: same venues block, no key file in its folder, no passphrase.
  const strategyDir = (node: string, code = STRATEGY): string => {
    const d = mkdtempSync(join(tmpdir(), `libra-${node}-`));
    writeFileSync(join(d, 'buy-once.ts'), code);
    writeFileSync(join(d, 'run.json'), JSON.stringify({ venues: [venue], strategies: [{ strategy: join(d, 'buy-once.ts'), instruments: ['BTC/USDT@BINANCE'] }], record: false, cluster: { redis, node, roles: ['strategy'], prefix } }));
    return d;
  };
  const stratDir = strategyDir('s1');
  return { redis, prefix, sim, exec, execDir, stratDir, strategyDir, startExecution, startStrategy: () => startNode(stratDir) };
}

describe('cluster over Redis: execution node + strategy node (`libra run`)', () => {
  it('turns one intent into exactly one venue order, delivers its fill once, and places nothing more after the strategy node is SIGKILLed and restarted', async () => {
    const { sim, exec, stratDir, startStrategy, redis, prefix } = await setup();
    let strat = startStrategy();
    await until(() => /STRATEGY .* started/.test(strat.output()), 60_000, () => `the strategy node; output:\n${strat.output()}`);

    const ticker = setInterval(() => sim.trade('BTCUSDT', 30_000, 0.5), 200);
    try {
      await until(() => /FILL /.test(strat.output()), 30_000, () => `a fill on the strategy node; strategy:\n${strat.output()}\nexecution:\n${exec.output()}`);
      // The status shows each node's last beat (one a second): the beat after the fill counts the trade that caused it.
      const s1Line = /^s1\troles=strategy\tstate=running\tlast beat \d+\.\d s ago\tlag \d+ ms\tmd received [1-9]\d* gaps 0 delay \d+ ms$/m;
      const readStatus = () => spawnSync(process.execPath, [LIBRA, 'cluster', 'status', '--redis', redis, '--prefix', prefix], { cwd: ROOT, encoding: 'utf8' });
      let status = readStatus();
      await until(
        () => {
          status = readStatus();
          return s1Line.test(status.stdout);
        },
        10_000,
        () => `s1's status line; status:\n${status.stdout}`,
      );
      // s1 has no data role: its trades came from x1 over `<prefix>:md`, none missed.
      expect(status.stdout).toMatch(/^s1\troles=strategy\tstate=running\tlast beat \d+\.\d s ago\tlag \d+ ms\tmd received [1-9]\d* gaps 0 delay \d+ ms$/m);
      expect(status.stdout).toMatch(/^x1\troles=execution,data\tstate=running\tlast beat \d+\.\d s ago\tlag \d+ ms\tmd sent [1-9]\d* dropped 0$/m);
      expect(strat.output()).toMatch(/CLUSTER market data for BINANCE from t\d+:md/);

      expect(sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
      expect(sim.orders()).toHaveLength(1);
      expect(sim.orders()[0]?.clientOrderId).toMatch(/^s1\.L\d+-1$/);
      expect(count(strat.output(), / FILL s1\.L\d+-1 /), strat.output()).toBe(1);
      expect(strat.output()).not.toMatch(/key file|passphrase/i);
      // The execution node's position of the strategy came back to s1, equal to the venue's fill.
      const qty = / FILL s1\.L\d+-1 \S+ BUY qty=(\d+) /.exec(strat.output())?.[1];
      await until(() => new RegExp(`CLUSTER position \\S+ BTC/USDT@BINANCE net=${qty} \\(execution node\\)`).test(strat.output()), 10_000, () => `the position on s1; output:\n${strat.output()}`);
      expect(Number(qty) / 1e5).toBeCloseTo(sim.orders()[0]?.executedQty ?? 0, 8);

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

  it('keeps one venue order and delivers its fill once when the execution node is SIGKILLed while the venue is answering the order, then restarted (it waits out the lease)', async () => {
    const { sim, exec, startExecution, startStrategy } = await setup();
    const strat = startStrategy();
    await until(() => /STRATEGY .* started/.test(strat.output()), 60_000, () => `the strategy node; output:\n${strat.output()}`);
    // The node dies the moment the order reaches the venue: the venue executes it, its REST
    // reply comes late to a dead socket and its WebSocket events are dropped, so only the
    // restarted node's reconciliation can learn the fill.
    sim.faults.delayReplies(5_000);
    let filledBeforeKill: boolean | undefined;
    const off = sim.onRequest((r) => {
      if (r.method !== 'POST' || !r.path.startsWith('/api/v3/order')) return;
      sim.faults.stallWebSockets(3_000);
      filledBeforeKill = / FILL /.test(strat.output());
      exec.child.kill('SIGKILL');
    });
    const ticker = setInterval(() => sim.trade('BTCUSDT', 30_000, 0.5), 200);
    let again: ReturnType<typeof startExecution> | undefined;
    try {
      await until(() => filledBeforeKill !== undefined, 30_000, () => `the order at the venue; strategy:\n${strat.output()}\nexecution:\n${exec.output()}`);
      off();
      await new Promise((r) => (exec.child.exitCode !== null || exec.child.signalCode !== null ? r(undefined) : exec.child.once('exit', r)));
      sim.faults.delayReplies(0);
      again = startExecution();
      await until(() => / FILL s1\.L\d+-1 /.test(strat.output()), 90_000, () => `the fill on the strategy node; strategy:\n${strat.output()}\nrestarted execution:\n${again?.output() ?? ''}`);
      // The restarted node reads intents again and places nothing: the id is in its journal.
      await until(() => /CLUSTER execution: reading order intents/.test(again?.output() ?? ''), 30_000, () => `the restarted execution node; output:\n${again?.output() ?? ''}`);
    } finally {
      clearInterval(ticker);
    }
    expect(filledBeforeKill).toBe(false);
    // The restarted execution node's risk event (its gate halts while the venue reconnects) reached s1, once.
    await until(() => /RISK HALTED x1: CIRCUIT_BREAKER: trading ACTIVE -> HALTED: BINANCE CONNECTING/.test(strat.output()), 10_000, () => `the risk event on s1; output:\n${strat.output()}\nrestarted execution:\n${again?.output() ?? ''}`);
    expect(again?.output()).toMatch(/CLUSTER lease BINANCE held by another execution node: waiting/);
    expect(again?.output()).toMatch(/CLUSTER lease BINANCE acquired \(fence 2\)/);
    expect(sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
    expect(sim.orders()).toHaveLength(1);
    expect(count(strat.output(), / FILL s1\.L\d+-1 /), strat.output()).toBe(1);
    expect(strat.output()).not.toMatch(/BUYONCE buying[\s\S]*BUYONCE buying/);
    expect(count(strat.output(), /RISK HALTED x1: /)).toBe(count(again?.output() ?? '', /RISK HALTED /));
  }, 240_000);

  it('carries a cancel across nodes: the resting order is cancelled at the venue, then one market order fills once', async () => {
    const { sim, exec, strategyDir } = await setup();
    const strat = startNode(strategyDir('s1', CANCEL_THEN_BUY));
    await until(() => /STRATEGY .* started/.test(strat.output()), 60_000, () => `the strategy node; output:\n${strat.output()}`);
    const ticker = setInterval(() => sim.trade('BTCUSDT', 30_000, 0.5), 200);
    try {
      await until(() => / FILL s1\.L\d+-2 /.test(strat.output()), 40_000, () => `the fill of the second order; strategy:\n${strat.output()}\nexecution:\n${exec.output()}`);
    } finally {
      clearInterval(ticker);
    }
    expect(strat.output()).toMatch(/CTB cancel s1\.L\d+-1 true/);
    expect(strat.output()).toMatch(/ORDER s1\.L\d+-1 BTC\/USDT@BINANCE BUY LIMIT CANCELED/);
    const orders = sim.orders();
    expect(orders.map((o) => [o.clientOrderId.replace(/L\d+/, 'L'), o.type, o.status])).toEqual([
      ['s1.L-1', 'LIMIT', 'CANCELED'],
      ['s1.L-2', 'MARKET', 'FILLED'],
    ]);
    expect(sim.requestsTo('DELETE', '/api/v3/order')).toHaveLength(1);
    expect(count(strat.output(), / FILL /)).toBe(1);
  }, 180_000);

  it('`libra cluster status` refuses a bad flag with exit 2 and says in one line why Redis cannot be read', async () => {
    const bad = spawnSync(process.execPath, [LIBRA, 'cluster', 'status', '--redis', 'http://127.0.0.1:1'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('libra cluster: --redis: expected a redis:// URL, got "http://127.0.0.1:1"');
    const port = await freePort(); // nothing listens there
    const down = spawnSync(process.execPath, [LIBRA, 'cluster', 'status', '--redis', `redis://:hunter2@127.0.0.1:${port}`], { cwd: ROOT, encoding: 'utf8' });
    expect(down.status).toBe(1);
    expect(down.stderr.trim()).toBe(`libra cluster: cannot read the cluster at redis://***@127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
  }, 60_000);

  it('routes each fill to the strategy node that owns the order: two strategy nodes, two venue orders, one fill each', async () => {
    const { sim, exec, strategyDir } = await setup();
    const a = startNode(strategyDir('s1'));
    const b = startNode(strategyDir('s2'));
    await until(() => /STRATEGY .* started/.test(a.output()) && /STRATEGY .* started/.test(b.output()), 60_000, () => `both strategy nodes; s1:\n${a.output()}\ns2:\n${b.output()}`);
    const ticker = setInterval(() => sim.trade('BTCUSDT', 30_000, 0.5), 200);
    try {
      await until(() => / FILL s1\./.test(a.output()) && / FILL s2\./.test(b.output()), 40_000, () => `a fill on each node; s1:\n${a.output()}\ns2:\n${b.output()}\nexecution:\n${exec.output()}`);
    } finally {
      clearInterval(ticker);
    }
    expect(sim.orders().map((o) => o.clientOrderId.split('.')[0]).sort()).toEqual(['s1', 's2']);
    expect(sim.requestsTo('POST', '/api/v3/order')).toHaveLength(2);
    expect(count(a.output(), / FILL /)).toBe(1);
    expect(count(b.output(), / FILL /)).toBe(1);
    expect(a.output()).not.toMatch(/ s2\./);
    expect(b.output()).not.toMatch(/ s1\./);
  }, 180_000);
});

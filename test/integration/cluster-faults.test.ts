/**
 * Cluster faults with real processes: `libra run` nodes over a real redis-server (AOF on, started
 * here on a free loopback port) against the loopback Binance simulator. Redis SIGKILLed and
 * restarted while an order is at the venue; a TCP proxy between a strategy node and Redis that
 * delays every chunk and resets the connection right after the order intent reached Redis (its
 * reply lost), then cuts it; four processes (data, execution, two strategy nodes). Each time:
 * every intent is exactly one venue order, each fill reaches its strategy once, positions equal
 * the venue's.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_SECRET, startBinanceSim } from '../sim/binance';
import type { BinanceSim } from '../sim/binance';
import { startRedisServer } from '../support/redis-server';
import type { RedisServer } from '../support/redis-server';
import { startTcpProxy } from '../support/tcp-proxy';
import type { TcpProxy } from '../support/tcp-proxy';
import { until } from '../support/until';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const LIBRA = join(ROOT, 'bin/libra.js');
const children: ChildProcess[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const c of closers.splice(0)) await c();
});

const BUY_ONCE = `
export default class BuyOnce {
  private ctx: any;
  private done = false;
  onStart(ctx: any) { this.ctx = ctx; }
  onTrade(t: { instrumentId: string }) {
    if (this.done) return;
    this.done = true;
    if (this.ctx.netQuantity(t.instrumentId) !== 0 || this.ctx.openOrders(t.instrumentId).length > 0) return;
    console.log('BUYONCE buying');
    this.ctx.market(t.instrumentId, 'BUY', 0.001);
  }
}
`;

function track(child: ChildProcess) {
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}
type Node = ReturnType<typeof track>;

function count(text: string, re: RegExp): number {
  return text.match(new RegExp(re.source, `${re.flags}g`))?.length ?? 0;
}

async function cluster() {
  const redis: RedisServer = await startRedisServer({ appendonly: true });
  closers.push(() => redis.close());
  const sim: BinanceSim = await startBinanceSim({});
  closers.push(() => sim.close());
  const u = sim.ccxtUrls;
  const venue = { ccxtId: 'binance', name: 'BINANCE', mode: 'live', keyId: 'sim', allowUnknownWithdrawal: true, restUrls: { public: u.public, private: u.private, v1: u.v1 }, wsUrls: { spot: u.ws.spot, 'ws-api': u.ws['ws-api'] }, symbols: ['BTC/USDT'] };
  const prefix = `f${process.pid}`;
  const clean = { ...process.env };
  delete clean['LIBRA_KEY_PASSPHRASE'];

  const node = (name: string, roles: string[], o: { url?: string; strategy?: boolean } = {}): Node => {
    const dir = mkdtempSync(join(tmpdir(), `libra-${name}-`));
    let env: NodeJS.ProcessEnv = clean;
    if (roles.includes('execution')) {
      const added = spawnSync(process.execPath, [LIBRA, 'keys', 'add', '--id', 'sim', '--venue', 'binance', '--environment', 'production', '--data-dir', dir], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, LIBRA_KEY_PASSPHRASE: 'correct horse', LIBRA_API_KEY: DEFAULT_API_KEY, LIBRA_API_SECRET: DEFAULT_SECRET },
      });
      expect(added.stdout).toMatch(/stored key sim/);
      env = { ...clean, LIBRA_KEY_PASSPHRASE: 'correct horse' };
    }
    const strategies = o.strategy ? [{ strategy: join(dir, 'buy-once.ts'), instruments: ['BTC/USDT@BINANCE'] }] : [];
    if (o.strategy) writeFileSync(join(dir, 'buy-once.ts'), BUY_ONCE);
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ venues: [venue], strategies, risk: { defaults: { maxOrderNotional: 1000 } }, record: false, cluster: { redis: o.url ?? redis.url, node: name, roles, prefix } }));
    return track(spawn(process.execPath, [LIBRA, 'run', '--config', join(dir, 'run.json'), '--data-dir', dir], { cwd: ROOT, env }));
  };
  const status = (): string => spawnSync(process.execPath, [LIBRA, 'cluster', 'status', '--redis', redis.url, '--prefix', prefix], { cwd: ROOT, encoding: 'utf8' }).stdout;
  return { redis, sim, prefix, node, status };
}

/** The newest `CLUSTER balances from …` figure of a currency a node printed (NaN if none). */
function lastBalance(out: string, currency: string): number {
  const all = [...out.matchAll(new RegExp(`CLUSTER balances from x1: .*\\b${currency}=([\\d.]+)`, 'g'))];
  return Number(all.at(-1)?.[1] ?? 'NaN');
}

async function started(n: Node, re: RegExp, what: string): Promise<void> {
  await until(() => re.test(n.output()), 60_000, `${what}; output:\n${n.output()}`);
}

/** The venue's filled quantity of a node's orders, in raw units (8 decimals: 0.001 BTC = 100 here, lot 1e-5). */
function fillQty(out: string, node: string): string | undefined {
  return new RegExp(` FILL ${node}\\.L\\d+-1 \\S+ BUY qty=(\\d+) `).exec(out)?.[1];
}

describe('cluster faults (`libra run` nodes, real redis-server with AOF)', () => {
  it('Redis SIGKILLed while the order is at the venue and restarted: one venue order, its fill reaches the strategy once', async () => {
    const { redis, sim, node, status } = await cluster();
    const x1 = node('x1', ['execution', 'data']);
    await started(x1, /CLUSTER execution: reading order intents/, 'the execution node');
    const s1 = node('s1', ['strategy'], { strategy: true });
    await started(s1, /STRATEGY .* started/, 'the strategy node');
    // The venue holds its answer 3 s; Redis dies the moment the order reaches it, and comes back
    // 2 s later from its append-only file.
    sim.faults.delayReplies(3_000);
    let killed: Promise<void> | undefined;
    const off = sim.onRequest((r) => {
      if (r.method !== 'POST' || !r.path.startsWith('/api/v3/order') || killed) return;
      killed = redis.kill();
    });
    const ticker = setInterval(() => sim.trade('BTCUSDT', 30_000, 0.5), 200);
    try {
      await until(() => killed !== undefined, 30_000, `the order at the venue; s1:\n${s1.output()}\nx1:\n${x1.output()}`);
      off();
      await killed;
      await new Promise((r) => setTimeout(r, 2_000));
      await redis.start();
      await until(() => / FILL s1\.L\d+-1 /.test(s1.output()), 60_000, `the fill on s1 after the restart; s1:\n${s1.output()}\nx1:\n${x1.output()}`);
      await new Promise((r) => setTimeout(r, 2_000)); // anything doubled would arrive by now
    } finally {
      clearInterval(ticker);
      sim.faults.delayReplies(0);
    }
    expect(x1.output()).toMatch(/CLUSTER redis: .*(ECONNREFUSED|ECONNRESET|Connection is closed)/);
    expect(sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
    expect(sim.orders()).toHaveLength(1);
    expect(count(s1.output(), / FILL /)).toBe(1);
    expect(count(s1.output(), /BUYONCE buying/)).toBe(1);
    const qty = fillQty(s1.output(), 's1');
    expect(Number(qty) / 1e5).toBeCloseTo(sim.orders()[0]?.executedQty ?? 0, 8);
    await until(() => /^s1\troles=strategy\tstate=running\tlast beat [01]\.\d s ago/m.test(status()), 10_000, 's1 beating again');
    expect(status()).toMatch(/^x1\troles=execution,data\tstate=running\tlast beat [01]\.\d s ago/m);
  }, 240_000);

  it('a TCP proxy between the strategy node and Redis delays every chunk, resets the connection right after the intent reached Redis, then cuts it: one venue order, one fill', async () => {
    const { redis, sim, node, status } = await cluster();
    const proxy: TcpProxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
    closers.unshift(() => proxy.close());
    const x1 = node('x1', ['execution', 'data']);
    await started(x1, /CLUSTER execution: reading order intents/, 'the execution node');
    proxy.delay(20);
    const s1 = node('s1', ['strategy'], { url: proxy.url, strategy: true });
    await started(s1, /STRATEGY .* started/, 'the strategy node');
    let resets = 0;
    proxy.onClientData((chunk) => {
      if (resets === 0 && chunk.includes('order.submit')) {
        // The intent is at Redis; its reply is lost, and the node cannot reconnect for a second.
        resets++;
        proxy.reset();
        proxy.refuseFor(1_000);
      }
    });
    const ticker = setInterval(() => sim.trade('BTCUSDT', 30_000, 0.5), 200);
    try {
      await until(() => / FILL s1\.L\d+-1 /.test(s1.output()), 60_000, `the fill on s1; s1:\n${s1.output()}\nx1:\n${x1.output()}`);
      proxy.cut(); // every connection of s1 ends; it reconnects and goes on
      await new Promise((r) => setTimeout(r, 3_000));
    } finally {
      clearInterval(ticker);
    }
    expect(resets).toBe(1);
    // ioredis sent the intent again on the new connection (its reply was lost): the execution node knew the id.
    expect(x1.output()).toMatch(/CLUSTER intent s1\.L\d+-1 from s1 already known \(\w+\): not placed again/);
    expect(s1.output()).toMatch(/CLUSTER redis: read ECONNRESET/);
    expect(proxy.connections()).toBeGreaterThan(6); // s1's connections were made again after the reset and the cut
    expect(sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
    expect(sim.orders()).toHaveLength(1);
    expect(count(s1.output(), / FILL /)).toBe(1);
    expect(count(s1.output(), /BUYONCE buying/)).toBe(1);
    await until(() => /^s1\troles=strategy\tstate=running\tlast beat [01]\.\d s ago/m.test(status()), 10_000, 's1 beating again after the cut');
  }, 240_000);

  it('a second execution node takes the lease over from one that is alive but cut off from Redis (TCP proxy) with the order at the venue: the first halts on its own clock, the second reconciles first; one venue order, one fill', async () => {
    const { sim, node, redis } = await cluster();
    const proxy: TcpProxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
    closers.unshift(() => proxy.close());
    const x1 = node('x1', ['execution', 'data'], { url: proxy.url });
    await started(x1, /CLUSTER execution: reading order intents/, 'x1');
    const x2 = node('x2', ['execution', 'data']);
    await started(x2, /CLUSTER lease BINANCE held by another execution node: waiting/, 'x2 waiting for the lease');
    const s1 = node('s1', ['strategy'], { strategy: true });
    await started(s1, /STRATEGY .* started/, 's1');
    // The venue holds its answer 3 s; x1 loses every link to Redis the moment the order reaches
    // the venue (it stays alive: its reply and fill come to it, but nothing it writes reaches Redis).
    sim.faults.delayReplies(3_000);
    let cutAt = 0;
    const off = sim.onRequest((r) => {
      if (r.method !== 'POST' || !r.path.startsWith('/api/v3/order') || cutAt > 0) return;
      cutAt = Date.now();
      proxy.refuseFor(600_000);
      proxy.reset();
    });
    const ticker = setInterval(() => sim.trade('BTCUSDT', 30_000, 0.5), 200);
    try {
      await until(() => cutAt > 0, 30_000, `the order at the venue; s1:\n${s1.output()}\nx1:\n${x1.output()}`);
      off();
      sim.faults.delayReplies(0);
      await until(() => /CLUSTER lease BINANCE lost: trading halted/.test(x1.output()), 30_000, `x1 halting; x1:\n${x1.output()}`);
      await until(() => /CLUSTER lease BINANCE acquired \(fence 2\)/.test(x2.output()), 30_000, `x2 taking over; x2:\n${x2.output()}`);
      await until(() => / FILL s1\.L\d+-1 /.test(s1.output()), 60_000, `the fill on s1 from x2; s1:\n${s1.output()}\nx2:\n${x2.output()}`);
      // x1's link comes back: its queued writes reach Redis, and it reads and places nothing.
      proxy.refuseFor(0);
      await new Promise((r) => setTimeout(r, 4_000));
    } finally {
      clearInterval(ticker);
      sim.faults.delayReplies(0);
    }
    expect(x1.child.exitCode).toBeNull(); // alive all along
    expect(x1.output()).toMatch(/RISK HALTED .*-> HALTED: cluster execution lease lost/);
    // Its venue link came back too (reconnect, reconciliation): it stays HALTED, fenced for good.
    const afterLoss = x1.output().slice(x1.output().indexOf('cluster execution lease lost'));
    expect(afterLoss).not.toMatch(/-> ACTIVE/);
    // Fencing on x1's own clock: it halted before Redis let the lease go to x2 (log timestamps).
    const at = (out: string, re: RegExp): number => Date.parse(new RegExp(`^(\\S+) ${re.source}`, 'm').exec(out)?.[1] ?? 'NaN');
    const lostAt = at(x1.output(), /CLUSTER lease BINANCE lost: trading halted/);
    const acquiredAt = at(x2.output(), /CLUSTER lease BINANCE acquired \(fence 2\)/);
    expect(lostAt).toBeLessThan(acquiredAt);
    // x2 reconciled with the venue before it read intents: the fill of x1's order came from the venue.
    const x2out = x2.output();
    const x2fill = x2out.search(/ FILL s1\.L\d+-1 /);
    expect(x2fill).toBeGreaterThan(x2out.indexOf('VENUE BINANCE RECONCILING'));
    expect(x2fill).toBeLessThan(x2out.indexOf('CLUSTER execution: reading order intents'));
    expect(x2out).not.toMatch(/CLUSTER intent s1\.L\d+-1 from s1\n/); // never placed again
    expect(x1.output()).not.toMatch(/CLUSTER intent .* already known/);
    expect(sim.requestsTo('POST', '/api/v3/order')).toHaveLength(1);
    expect(sim.orders()).toHaveLength(1);
    expect(count(s1.output(), / FILL /)).toBe(1);
    expect(count(s1.output(), /BUYONCE buying/)).toBe(1);
    expect(Number(fillQty(s1.output(), 's1')) / 1e5).toBeCloseTo(sim.orders()[0]?.executedQty ?? 0, 8);
  }, 240_000);

  it('four processes (data, execution, two strategy nodes): one venue order per intent, each fill once at its node, positions and balances equal the venue’s', async () => {
    const { sim, node, status } = await cluster();
    const d1 = node('d1', ['data']);
    const x1 = node('x1', ['execution']);
    await started(x1, /CLUSTER execution: reading order intents/, 'the execution node');
    await started(d1, /VENUE BINANCE ready/, 'the data node');
    const s1 = node('s1', ['strategy'], { strategy: true });
    const s2 = node('s2', ['strategy'], { strategy: true });
    await started(s1, /STRATEGY .* started/, 's1');
    await started(s2, /STRATEGY .* started/, 's2');
    const ticker = setInterval(() => sim.trade('BTCUSDT', 30_000, 0.5), 200);
    try {
      await until(() => / FILL s1\./.test(s1.output()) && / FILL s2\./.test(s2.output()), 60_000, `a fill on each; s1:\n${s1.output()}\ns2:\n${s2.output()}\nx1:\n${x1.output()}`);
      for (const [n, name] of [[s1, 's1'], [s2, 's2']] as const) {
        const q = fillQty(n.output(), name);
        await until(() => new RegExp(`CLUSTER position \\S+ BTC/USDT@BINANCE net=${q} \\(execution node\\)`).test(n.output()), 10_000, `${name}'s position`);
      }
      // Balances come from the execution node (it holds the account) to both strategy nodes, and equal the venue's.
      const venueBtc = (): number => (sim.balances()['BTC']?.free ?? 0) + (sim.balances()['BTC']?.locked ?? 0);
      for (const [n, name] of [[s1, 's1'], [s2, 's2']] as const) {
        await until(() => Math.abs(lastBalance(n.output(), 'BTC') - venueBtc()) < 1e-9, 15_000, `${name}'s balances (venue BTC ${venueBtc()}); output:\n${n.output()}`);
      }
      await new Promise((r) => setTimeout(r, 1_500));
    } finally {
      clearInterval(ticker);
    }
    expect(sim.orders().map((o) => o.clientOrderId.split('.')[0]).sort()).toEqual(['s1', 's2']);
    expect(sim.requestsTo('POST', '/api/v3/order')).toHaveLength(2);
    for (const [n, name] of [[s1, 's1'], [s2, 's2']] as const) {
      expect(count(n.output(), / FILL /)).toBe(1);
      const venueQty = sim.orders().find((o) => o.clientOrderId.startsWith(`${name}.`))?.executedQty ?? 0;
      expect(Number(fillQty(n.output(), name)) / 1e5).toBeCloseTo(venueQty, 8);
      expect(n.output()).toMatch(/CLUSTER market data for BINANCE from/);
    }
    // Only the data node runs the venue's data client; the execution node reads market data from Redis too.
    expect(x1.output()).toMatch(/CLUSTER market data for BINANCE from/);
    expect(d1.output()).not.toMatch(/CLUSTER market data for BINANCE from/);
    const st = status();
    expect(st).toMatch(/^d1\troles=data\tstate=running\t.*\tmd sent [1-9]\d* dropped 0$/m);
    for (const n of ['x1', 's1', 's2']) expect(st).toMatch(new RegExp(`^${n}\\troles=\\w+\\tstate=running\\t.*\\tmd received [1-9]\\d* gaps 0 delay \\d+ ms$`, 'm'));
  }, 240_000);
});

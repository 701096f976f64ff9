/**
 * `libra run` as a user runs it, live against the loopback Binance simulator: keys from an
 * encrypted key file, a strategy file loaded by path, one signed order per intent (natively
 * signed, checked by the simulator), and a key refused when the venue cannot say whether it
 * may withdraw.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tryLoadNative } from '../../src/main/native';
import { DEFAULT_API_KEY, DEFAULT_SECRET, startBinanceSim } from '../sim/binance';
import type { BinanceSim } from '../sim/binance';
import { until } from '../support/until';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const children: ChildProcess[] = [];
const sims: BinanceSim[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const s of sims.splice(0)) await s.close();
});

const STRATEGY = `
// Buys 0.001 BTC at market on the first trade it sees, once.
export default class BuyOnce {
  private done = false;
  private ctx: any;
  onStart(ctx: any) { this.ctx = ctx; }
  onTrade(t: { instrumentId: string }) {
    if (this.done) return;
    this.done = true;
    this.ctx.market(t.instrumentId, 'BUY', 0.001);
  }
}
`;

async function setup(allowUnknownWithdrawal: boolean, risk: Record<string, unknown> = {}) {
  const sim = await startBinanceSim({});
  sims.push(sim);
  const dir = mkdtempSync(join(tmpdir(), 'libra-run-'));
  writeFileSync(join(dir, 'buy-once.ts'), STRATEGY);
  // The key goes in as a user would store it: `libra keys add`, secrets from the environment.
  const added = spawnSync(process.execPath, [join(ROOT, 'bin/libra.js'), 'keys', 'add', '--id', 'sim', '--venue', 'binance', '--environment', 'production', '--data-dir', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, LIBRA_KEY_PASSPHRASE: 'correct horse', LIBRA_API_KEY: DEFAULT_API_KEY, LIBRA_API_SECRET: DEFAULT_SECRET },
  });
  expect(added.stdout).toMatch(/stored key sim \(binance, production\)/);
  expect(readFileSync(join(dir, 'keys.json'), 'utf8')).not.toContain(DEFAULT_SECRET);
  const u = sim.ccxtUrls;
  const config = {
    accountCurrency: 'USDT',
    venues: [{ ccxtId: 'binance', name: 'BINANCE', mode: 'live', keyId: 'sim', allowUnknownWithdrawal, restUrls: { public: u.public, private: u.private, v1: u.v1 }, wsUrls: { spot: u.ws.spot, 'ws-api': u.ws['ws-api'] }, symbols: ['BTC/USDT'] }],
    strategies: [{ strategy: join(dir, 'buy-once.ts'), instruments: ['BTC/USDT@BINANCE'], timeframe: '1m' }],
    risk: { defaults: { maxOrderNotional: 1000 }, ...risk },
  };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(config));
  return { sim, dir, ...startRun(dir) };
}

function startRun(dir: string) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/libra.js'), 'run', '--config', join(dir, 'run.json'), '--data-dir', dir], {
    cwd: ROOT,
    env: { ...process.env, LIBRA_KEY_PASSPHRASE: 'correct horse' },
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

function libra(...args: string[]): { stdout: string; status: number | null } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/libra.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { stdout: r.stdout, status: r.status };
}


describe('libra run (live, against the Binance simulator)', () => {
  it('places exactly one natively signed order for the strategy and reports its fill', async () => {
    const { sim, child, output } = await setup(true);
    await until(() => /STRATEGY .* started/.test(output()), 40_000, 'the strategy to start');
    // Trades until the data stream (subscribed just after the start line) delivers one.
    const ticker = setInterval(() => sim.trade('BTCUSDT', 30_000, 0.5), 200);
    try {
      await until(() => /FILL /.test(output()), 20_000, `a fill; output:\n${output()}`);
    } finally {
      clearInterval(ticker);
    }
    const posts = sim.requestsTo('POST', '/api/v3/order');
    expect(posts).toHaveLength(1);
    expect(posts.every((r) => r.signatureValid === true)).toBe(true);
    expect(sim.orders()).toHaveLength(1);
    expect(output()).toMatch(/withdrawal permission UNKNOWN/);
    // The HMAC is computed by the Rust signer wherever the addon is built (CI builds it).
    expect(output()).toMatch(new RegExp(`signing: HMAC by the ${tryLoadNative().ok ? 'native' : 'typescript'} signer`));
    // The order went out through LIBRA's Binance request encoder (signed by the same signer).
    expect(output()).toMatch(/BINANCE orders: LIBRA's Binance request encoder/);
    expect(output()).not.toContain(DEFAULT_SECRET);
    child.kill('SIGINT');
  }, 90_000);

  it('refuses a live key when the venue cannot tell whether it may withdraw', async () => {
    const { output, exited } = await setup(false);
    expect(await exited).not.toBe(0);
    expect(output()).toMatch(/cannot tell whether this key may withdraw/);
    expect(output()).not.toContain(DEFAULT_SECRET);
  }, 60_000);

  it('halts on the drawdown limit from the venue\'s balances and marks, prints why, and stays halted across a restart until `libra risk resume`', async () => {
    const { sim, dir, child, output, exited } = await setup(true, { drawdownHalt: 0.2 });
    // Every price the run can see (book, trades, fill) is 30 000 until the test drops it.
    sim.setPrice('BTCUSDT', 30_000);
    await until(() => /STRATEGY .* started/.test(output()), 40_000, 'the strategy to start');
    // Equity = 100 000 USDT + 2 BTC at the mark (the simulator's account): 160 000 at 30 000.
    const high = setInterval(() => sim.trade('BTCUSDT', 30_000, 0.5), 200);
    try {
      await until(() => /FILL /.test(output()), 20_000, `a fill; output:\n${output()}`);
    } finally {
      clearInterval(high);
    }
    // 2.001 BTC at 10 000: equity ≈ 120 000, a 25% drawdown from the 160 000 peak.
    const low = setInterval(() => sim.trade('BTCUSDT', 10_000, 0.5), 200);
    try {
      await until(() => /RISK HALTED CIRCUIT_BREAKER: drawdown/.test(output()), 20_000, `the halt; output:\n${output()}`);
    } finally {
      clearInterval(low);
    }
    expect(output()).toMatch(/RISK HALTED CIRCUIT_BREAKER: drawdown 2\d(\.\d+)?% >= 20% \(peak \d+(\.\d+)?, equity \d+(\.\d+)?\); trading HALTED/);
    expect(libra('risk', 'status', '--data-dir', dir).stdout).toMatch(/^HALTED since .*: CIRCUIT_BREAKER: drawdown/);
    child.kill('SIGKILL');
    await exited;

    // Restarted, the halt is still there: the venue reconnecting does not lift it.
    const again = startRun(dir);
    await until(() => /STRATEGY .* started/.test(again.output()), 40_000, 'the restarted strategy');
    expect(again.output()).toMatch(/RISK HALTED restored from the data folder: CIRCUIT_BREAKER: drawdown/);
    const lifted = libra('risk', 'resume', '--data-dir', dir);
    expect(lifted.stdout).toMatch(/^lifted HALTED/);
    await until(() => /RISK ACTIVE halt lifted by an operator/.test(again.output()), 10_000, `the resume; output:\n${again.output()}`);
    expect(libra('risk', 'status', '--data-dir', dir).stdout).toMatch(/^ACTIVE/);
    again.child.kill('SIGINT');
  }, 150_000);

  it('keeps the drawdown peak across a kill -9: the restarted run halts on a drawdown from the peak before it, and a resume accepts the loss', async () => {
    const { sim, dir, child, output, exited } = await setup(true, { drawdownHalt: 0.2 });
    sim.setPrice('BTCUSDT', 30_000);
    await until(() => /STRATEGY .* started/.test(output()), 40_000, 'the strategy to start');
    // Equity 160 000 at 30 000; the marks reach the data folder within a second of moving.
    const high = setInterval(() => sim.trade('BTCUSDT', 30_000, 0.5), 200);
    try {
      await until(() => /FILL /.test(output()) && /drawdown measured from peak 16\d{4}/.test(libra('risk', 'status', '--data-dir', dir).stdout), 20_000, `the marks saved; output:\n${output()}`);
    } finally {
      clearInterval(high);
    }
    child.kill('SIGKILL');
    await exited;

    // While it was down the price fell to 12 000: ≈ 124 000, 22.5% under the peak but where the
    // restarted run starts — measured from the equity at start it would never halt.
    sim.setPrice('BTCUSDT', 12_000);
    const again = startRun(dir);
    await until(() => /STRATEGY .* started/.test(again.output()), 40_000, 'the restarted strategy');
    expect(again.output()).toMatch(/RISK equity marks restored from the data folder: drawdown from peak 16\d{4}/);
    const low = setInterval(() => sim.trade('BTCUSDT', 12_000, 0.5), 200);
    try {
      await until(() => /RISK HALTED CIRCUIT_BREAKER: drawdown 2\d(\.\d+)?% >= 20% \(peak 16\d{4}/.test(again.output()), 20_000, `the halt; output:\n${again.output()}`);
      // A person resumes: the drawdown is measured from the equity then, so the next marks do not trip it again.
      expect(libra('risk', 'resume', '--data-dir', dir).stdout).toMatch(/^lifted HALTED/);
      await until(() => /RISK ACTIVE halt lifted by an operator/.test(again.output()), 10_000, `the resume; output:\n${again.output()}`);
      await until(() => /drawdown measured from peak 12\d{4}/.test(libra('risk', 'status', '--data-dir', dir).stdout), 10_000, 'the rebased marks');
      const halts = (again.output().match(/CIRCUIT_BREAKER/g) ?? []).length;
      await new Promise((r) => setTimeout(r, 1_500));
      expect((again.output().match(/CIRCUIT_BREAKER/g) ?? []).length).toBe(halts);
      expect(libra('risk', 'status', '--data-dir', dir).stdout).toMatch(/^ACTIVE/);
    } finally {
      clearInterval(low);
    }
    again.child.kill('SIGINT');
  }, 150_000);
});

/**
 * The backtest's results, bit for bit, as they were before the per-bar path was reworked for
 * speed (issue 15: columns folded a block at a time, fused statistics, no boxed numbers per bar).
 * The expected values were taken at 28544fa (main before that work) with this same code: every
 * field of the BacktestResult but `elapsedMs` hashed (JSON, SHA-256), plus the figures a person
 * reads, so a difference says where it is. Scenarios: a generated run long enough to decimate
 * the curves, two instruments whose benchmark is marked only after the other one's first bars
 * (buy-and-hold and the indicators start late), the optimizer's 'stats' report, and the bundled
 * BTC/USD 4h sample of the README's quick start (387 trades).
 *
 * A deliberate change of the results (a new field, another rule) changes the hashes: take the
 * new ones from this test's failure message, and say why in the commit.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../src/shared/domain/instrument';
import type { Bar } from '../../src/shared/messages/market-data';
import { readBars } from '../../src/main/backtest/data';
import { instrumentForFile } from '../../src/main/backtest/instrument-from-file';
import type { BacktestResult } from '../../src/main/backtest/runner';
import SmaCross from '../../src/main/engine/strategy/examples/sma-cross';
import { Kernel } from '../../src/main/kernel';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SAMPLE = resolve(ROOT, 'resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv');
const BTC = makeInstrument({ symbol: 'BTC/USDT', venue: 'SIM', tickSize: '0.01', lotSize: '0.00001' });
const ETH = makeInstrument({ symbol: 'ETH/USDT', venue: 'SIM', tickSize: '0.01', lotSize: '0.0001' });
const COSTS = { capital: 100_000, accountCurrency: 'USDT', fillModel: 'bar', makerFeeBps: 10, takerFeeBps: 10, slippageBps: 1, latencyMs: 0 } as const;

/** The bench's random walk (1-minute bars from `from` minutes), in chunks of 4096. */
async function* walk(id: string, n: number, seed0: number, from = 0): AsyncGenerator<Bar[]> {
  let seed = seed0;
  let price = 30_000;
  for (let i = 0; i < n; ) {
    const out: Bar[] = [];
    for (let j = 0; j < 4096 && i < n; j++, i++) {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      const r = seed / 2 ** 32 - 0.5;
      const open = price;
      price = Math.max(100, Math.round(price * (1 + r * 0.004) * 100) / 100);
      const t = (from + i) * 60_000;
      out.push({ instrumentId: id, timeframeMs: 60_000, openTime: t, ts: t + 60_000, open, high: Math.max(open, price) + 5, low: Math.min(open, price) - 5, close: price, volume: 1 });
    }
    yield out;
  }
}

function sha256(r: BacktestResult): string {
  const { elapsedMs: _elapsed, ...rest } = r;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

interface Expected {
  readonly sha256: string;
  readonly trades: number;
  readonly bars: number;
  readonly orders: number;
  readonly fills: number;
  readonly feesPaid: number;
  readonly finalEquity: number;
  readonly sharpe: number;
  readonly maxDrawdown: number;
  readonly benchFinal: number | null;
  readonly points: { readonly equity: number; readonly prices: number | null; readonly indicators: readonly number[] };
}

function check(r: BacktestResult, e: Expected): void {
  const { sha256: hash, ...figures } = e;
  expect({
    trades: r.trades.length,
    bars: r.bars,
    orders: r.orders,
    fills: r.fills,
    feesPaid: r.feesPaid,
    finalEquity: r.stats.finalEquity,
    sharpe: r.stats.sharpe,
    maxDrawdown: r.stats.maxDrawdown,
    benchFinal: r.benchmark?.stats.finalEquity ?? null,
    points: { equity: r.equity.length, prices: r.prices?.length ?? null, indicators: r.indicators.map((l) => l.points.length) },
  }).toEqual(figures);
  expect(sha256(r), 'every field of the result (hash of its JSON)').toBe(hash);
}

describe('backtest results, unchanged by the per-bar speed work (values of 28544fa)', () => {
  const kernel = new Kernel();

  it('200 000 generated bars, sma-cross 10/30: trades, statistics and every (decimated) curve', async () => {
    const r = await kernel.backtest({
      ...COSTS,
      instruments: [BTC],
      feeds: [{ kind: 'bar', instrumentId: BTC.id, timeframeMs: 60_000, chunks: walk(BTC.id, 200_000, 42) }],
      strategy: { id: 'S', hooks: new SmaCross({ fast: 10, slow: 30 }) },
    });
    check(r, {
      sha256: 'a2f84c3100851bdad14c34048e5c9df8e2a483c520da98d275e0340d5b06c761',
      trades: 3405,
      bars: 200_000,
      orders: 6811,
      fills: 6810,
      feesPaid: 138327.11062911,
      finalEquity: 1443.65514859,
      sharpe: -18.110051975159408,
      maxDrawdown: 0.9860606218536505,
      benchFinal: 4766879790.5785055,
      points: { equity: 100_001, prices: 100_001, indicators: [99_996, 99_986] },
    });
  }, 60_000);

  it('two instruments, the benchmark marked late: buy-and-hold, price line and indicators start at its first bar', async () => {
    const r = await kernel.backtest({
      ...COSTS,
      instruments: [ETH, BTC],
      feeds: [
        { kind: 'bar', instrumentId: ETH.id, timeframeMs: 60_000, chunks: walk(ETH.id, 3000, 7, 1500) },
        { kind: 'bar', instrumentId: BTC.id, timeframeMs: 60_000, chunks: walk(BTC.id, 5000, 42) },
      ],
      strategy: { id: 'S', hooks: new SmaCross({ fast: 5, slow: 20 }) },
    });
    check(r, {
      sha256: '7c1880b008be0b5213a25a2bcc43db0448f21968bd1eb93293cede3871fd6b92',
      trades: 92,
      bars: 8000,
      orders: 183,
      fills: 183,
      feesPaid: 16492.43821461,
      finalEquity: 86694.02046939,
      sharpe: -23.726756699519758,
      maxDrawdown: 0.14591239253287613,
      benchFinal: 105654.29577084961,
      points: { equity: 8000, prices: 6500, indicators: [2996, 2981] },
    });
  }, 60_000);

  it("the optimizer's 'stats' report: the same statistics, no benchmark or lines", async () => {
    const r = await kernel.backtest({
      ...COSTS,
      report: 'stats',
      instruments: [BTC],
      feeds: [{ kind: 'bar', instrumentId: BTC.id, timeframeMs: 60_000, chunks: walk(BTC.id, 150_000, 9) }],
      strategy: { id: 'S', hooks: new SmaCross({ fast: 3, slow: 12 }) },
    });
    check(r, {
      sha256: '1f611a898ccfcc3fba3e788b005a5636e5edb445b1e0148e65f4a81f36a75283',
      trades: 5623,
      bars: 150_000,
      orders: 11_246,
      fills: 11_246,
      feesPaid: 143044.72953911,
      finalEquity: 252.99330779,
      sharpe: -34.14180585220903,
      maxDrawdown: 0.9974768684149,
      benchFinal: null,
      points: { equity: 75_001, prices: null, indicators: [] },
    });
  }, 60_000);

  it('the bundled BTC/USD 4h sample (README quick start): 387 trades, the same report', async () => {
    const inst = (await instrumentForFile(SAMPLE)).instrument;
    const r = await kernel.backtest({
      instruments: [inst],
      feeds: [{ kind: 'bar', instrumentId: inst.id, timeframeMs: 4 * 3_600_000, chunks: readBars(SAMPLE, { instrumentId: inst.id }) }],
      strategy: { id: 'S', hooks: new SmaCross({ fast: 10, slow: 30 }) },
      capital: 10_000,
      accountCurrency: 'USD',
      fillModel: 'bar',
      makerFeeBps: 10,
      takerFeeBps: 10,
      slippageBps: 0,
      latencyMs: 0,
    });
    check(r, {
      sha256: '1fbf01b50adf3f1a39b1b776427b07d7af3eff018bd721b0ca1530a48d7f78de',
      trades: 387,
      bars: 20_695,
      orders: 773,
      fills: 773,
      feesPaid: 549837.22076041,
      finalEquity: 1982490.390727119,
      sharpe: 1.3665897198296568,
      maxDrawdown: 0.7026608917226145,
      benchFinal: 2495463.7504934,
      points: { equity: 20_695, prices: 20_695, indicators: [20_686, 20_666] },
    });
  }, 60_000);
});

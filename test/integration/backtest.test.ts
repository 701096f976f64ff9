/**
 * Backtests end to end through the kernel: hand-checkable numbers on a tiny file, invariants on
 * real data, no look-ahead across merged instruments, and the CLI's errors for bad input.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../src/shared/domain/instrument';
import type { Instrument } from '../../src/shared/domain/instrument';
import type { Bar } from '../../src/shared/messages/market-data';
import { readAllBars, readBars } from '../../src/main/backtest/data';
import { Kernel } from '../../src/main/kernel';
import SmaCross from '../../src/main/engine/strategy/examples/sma-cross';
import type { StrategyContext, StrategyHooks } from '../../src/main/engine/strategy/strategy';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SHARED = resolve(ROOT, '../shared/data');
const ETH_BTC = join(SHARED, 'freqtrade/original_json_until_2023-07/ETH_BTC-5m.json');

async function* chunksOf<T>(items: readonly T[]): AsyncGenerator<readonly T[]> {
  yield items;
}

function bars(id: string, closes: readonly number[], opens?: readonly number[], tf = 60_000): Bar[] {
  return closes.map((c, i) => {
    const o = opens?.[i] ?? c;
    return { instrumentId: id, timeframeMs: tf, openTime: i * tf, ts: (i + 1) * tf, open: o, high: Math.max(o, c) + 1, low: Math.min(o, c) - 1, close: c, volume: 10 };
  });
}

/** sma-cross(2, 3) on 1-minute bars with 1 000 USD, 10 bps fees, no slippage or latency. */
function smaCross2x3(inst: Instrument, data: readonly Bar[]) {
  return new Kernel().backtest({
    instruments: [inst],
    feeds: [{ kind: 'bar', instrumentId: inst.id, timeframeMs: 60_000, chunks: chunksOf(data) }],
    strategy: { id: 'S', hooks: new SmaCross({ fast: 2, slow: 3 }) },
    capital: 1000,
    accountCurrency: 'USD',
    fillModel: 'bar',
    makerFeeBps: 10,
    takerFeeBps: 10,
    slippageBps: 0,
    latencyMs: 0,
  });
}

describe('backtest through the kernel', () => {
  it('sma-cross buys at the next open with all cash, sized at the fill, sells on the cross below: numbers by hand', async () => {
    const inst = makeInstrument({ symbol: 'AAA/USD', venue: 'SIM', tickSize: '0.01', lotSize: '0.001' });
    // SMA(2) vs SMA(3): the cross above happens at bar 4 (close 13), the cross below at bar 7.
    const closes = [10, 10, 10, 10, 13, 14, 15, 12, 8, 8];
    const opens = [10, 10, 10, 10, 10, 13.5, 14, 15, 12, 8];
    const b = bars(inst.id, closes, opens);
    const r = await smaCross2x3(inst, b);
    // Decision at bar 4's close (13): spend all 1000 USD. The order fills at bar 5's open 13.5
    // (a gap up), sized THERE: 74.000 costs 999 + fee 0.999 = 999.999 ≤ 1000, while 74.001 costs
    // 999.0135 + 0.9990135 = 1000.0125 > 1000. (Sized at the close, 76.846 would cost 1037.42:
    // the venue would cancel it and the cross would be no trade.)
    expect(r.orders).toBe(2);
    expect(r.fills).toBe(2);
    expect(r.trades).toHaveLength(1);
    const g = r.trades[0];
    expect(g?.entryTime).toBe(5 * 60_000);
    expect(g?.entryPrice).toBe(13.5);
    expect(g?.quantity).toBeCloseTo(74, 9);
    // Sell the 74 at bar 8's open 12: fee 0.888.
    expect(g?.exitPrice).toBe(12);
    expect(g?.fees).toBeCloseTo(0.999 + 0.888, 9);
    expect(g?.pnl).toBeCloseTo(74 * (12 - 13.5) - 0.999 - 0.888, 9);
    expect(r.stats.finalEquity).toBeCloseTo(1000 - 111 - 1.887, 9);

    // With each bar opening at the previous close, the same decision fills:

    const flat = bars(inst.id, closes, closes.map((c, i) => (i === 0 ? c : (closes[i - 1] as number))));
    const r2 = await smaCross2x3(inst, flat);
    expect(r2.trades).toHaveLength(1);
    const t = r2.trades[0];
    // Buy: 76.846 @ 13 (bar 5 opens at bar 4's close); fee = 76.846 × 13 × 0.001 = 0.998998.
    expect(t?.entryTime).toBe(4 * 60_000 + 0 + 60_000); // bar 5 opens at 5 × 60 000
    expect(t?.quantity).toBeCloseTo(76.846, 9);
    expect(t?.entryPrice).toBe(13);
    // Cross below: SMA2(bar7) = 13.5 < SMA3 = 13.67 → sell at bar 8's open = 12.
    expect(t?.exitPrice).toBe(12);
    const buyFee = Math.ceil(76.846 * 13 * 0.001 * 1e10 - 1e-6) / 1e10;
    const sellFee = Math.ceil(76.846 * 12 * 0.001 * 1e10 - 1e-6) / 1e10;
    expect(t?.fees).toBeCloseTo(buyFee + sellFee, 9);
    expect(t?.pnl).toBeCloseTo(76.846 * (12 - 13) - buyFee - sellFee, 9);
    expect(r2.stats.finalEquity).toBeCloseTo(1000 + (t?.pnl ?? 0), 9);
    expect(r2.feesPaid).toBeCloseTo(buyFee + sellFee, 9);
  });

  it('on real ETH/BTC 5m data, every entry fills at the open after the signal and PnL adds up', async () => {
    const inst = makeInstrument({ symbol: 'ETH/BTC', venue: 'BINANCE', tickSize: '0.000001', lotSize: '0.001' });
    const all = await readAllBars(ETH_BTC, { instrumentId: inst.id });
    const r = await new Kernel().backtest({
      instruments: [inst],
      feeds: [{ kind: 'bar', instrumentId: inst.id, timeframeMs: 300_000, chunks: readBars(ETH_BTC, { instrumentId: inst.id, chunkSize: 512 }) }],
      strategy: { id: 'S', hooks: new SmaCross({ fast: 10, slow: 30 }) },
      capital: 100,
      accountCurrency: 'BTC',
      fillModel: 'bar',
      makerFeeBps: 10,
      takerFeeBps: 10,
      slippageBps: 5,
      latencyMs: 0,
    });
    expect(r.bars).toBe(all.length);
    expect(r.trades.length).toBeGreaterThan(10);
    const byOpen = new Map(all.map((b) => [b.openTime, b]));
    for (const t of r.trades) {
      const bar = byOpen.get(t.entryTime);
      expect(bar).toBeDefined();
      // Market buy at the bar's open + 5 bps slippage, rounded up to the tick.
      expect(t.entryPrice).toBeCloseTo(Math.ceil((bar as Bar).open * 1.0005 * 1e6 - 1e-6) / 1e6, 12);
    }
    const closed = r.trades.filter((t) => t.exitTime !== null);
    const open = r.trades.filter((t) => t.exitTime === null);
    const last = all[all.length - 1] as Bar;
    const openValue = open.reduce((s, t) => s + t.quantity * (last.close - t.entryPrice) + t.pnl, 0);
    const sum = closed.reduce((s, t) => s + t.pnl, 0) + openValue;
    expect(r.stats.finalEquity - 100).toBeCloseTo(sum, 6);
  });

  it('never shows a strategy data stamped after the simulated now, across merged instruments', async () => {
    const a = makeInstrument({ symbol: 'AAA/USD', venue: 'SIM', tickSize: '0.01', lotSize: '1' });
    const b = makeInstrument({ symbol: 'BBB/USD', venue: 'SIM', tickSize: '0.01', lotSize: '1' });
    const seen: [string, number, number][] = [];
    let ctx: StrategyContext | undefined;
    const spy: StrategyHooks = {
      onStart: (c) => (ctx = c),
      onBar: (bar) => seen.push([bar.instrumentId, bar.ts, ctx?.now() ?? -1]),
    };
    await new Kernel().backtest({
      instruments: [a, b],
      feeds: [
        { kind: 'bar', instrumentId: a.id, timeframeMs: 60_000, chunks: chunksOf(bars(a.id, [1, 2, 3, 4, 5, 6])) },
        { kind: 'bar', instrumentId: b.id, timeframeMs: 180_000, chunks: chunksOf(bars(b.id, [7, 8], undefined, 180_000)) },
      ],
      strategy: { id: 'S', hooks: spy },
      capital: 100,
      accountCurrency: 'USD',
      fillModel: 'bar',
      makerFeeBps: 0,
      takerFeeBps: 0,
      slippageBps: 0,
      latencyMs: 0,
    });
    expect(seen.length).toBe(8);
    for (const [, ts, now] of seen) expect(ts).toBeLessThanOrEqual(now);
    const times = seen.map((s) => s[1]);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    // The 3-minute bar closing at 180 000 is delivered with the 1-minute bar that closes then.
    expect(seen.filter((s) => s[1] === 180_000).map((s) => s[0])).toEqual(['AAA/USD@SIM', 'BBB/USD@SIM']);
  });
});

describe('the report tells what did not trade', () => {
  it('counts and lists cancelled and denied orders with their reasons, and warns when they keep failing', async () => {
    const inst = makeInstrument({ symbol: 'AAA/USD', venue: 'SIM', tickSize: '0.01', lotSize: '1' });
    // Sized at the close with all the cash, bought at the next open, which is always higher:
    // the spot account cannot pay, so the venue cancels every one.
    let ctx: StrategyContext | undefined;
    const allInAtClose: StrategyHooks = {
      onStart: (c) => (ctx = c),
      onBar: (bar) => {
        if (!ctx) return;
        ctx.market(inst.id, 'BUY', Math.floor(ctx.balance('USD') / bar.close));
        ctx.spend(inst.id, 0.001); // buys less than one lot: denied
      },
    };
    const closes = [10, 10.5, 11.5, 12.5, 13.5];
    const opens = [10, 11, 12, 13, 14];
    const r = await new Kernel().backtest({
      instruments: [inst],
      feeds: [{ kind: 'bar', instrumentId: inst.id, timeframeMs: 60_000, chunks: chunksOf(bars(inst.id, closes, opens)) }],
      strategy: { id: 'S', hooks: allInAtClose },
      capital: 100,
      accountCurrency: 'USD',
      fillModel: 'bar',
      makerFeeBps: 0,
      takerFeeBps: 0,
      slippageBps: 0,
      latencyMs: 0,
    });
    const oi = r.orderIssues;
    // 5 bars × 2 orders; the last bar's buy never reaches a next bar (no more data).
    expect(oi.orders).toBe(10);
    expect(oi.denied).toBe(5);
    expect(oi.cancelled).toBe(4);
    expect(r.fills).toBe(0);
    const first = oi.list.find((i) => i.status === 'CANCELED');
    // Bar 0: 100 / 10 = 10 units, filled at bar 1's open 11: 110 > 100.
    expect(first?.reason).toBe('insufficient USD: need 110.00000000, have 100');
    expect(oi.list.find((i) => i.status === 'DENIED')?.reason).toBe('BELOW_MIN_QUANTITY: 0.001 USD buys less than the minimum quantity at the last price 10');
    expect(oi.warning).toBe('9 of 10 orders failed (4 cancelled by the venue, 0 rejected, 5 denied); most often (5×): DENIED BELOW_MIN_QUANTITY: … USD buys less than the minimum quantity at the last price …');
  });
});

describe('libra backtest CLI', () => {
  const cli = (args: string[]) => run('node', [join(ROOT, 'bin/libra.js'), ...args], { cwd: ROOT }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

  it('runs the example on a freqtrade 5m file and writes JSON and HTML reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-bt-'));
    const r = await cli(['backtest', '--data', ETH_BTC, '--strategy', 'sma-cross', '--param', 'fast=10', '--param', 'slow=30', '--capital', '1', '--json', join(dir, 'r.json'), '--html', join(dir, 'r.html')]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Total return/);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { stats: Record<string, number>; trades: Record<string, unknown>[]; equity: [number, number][] };
    expect(Object.keys(report.trades[0] ?? {}).sort()).toEqual(['entryPrice', 'entryTime', 'exitPrice', 'exitTime', 'fees', 'pnl', 'quantity', 'side'].sort());
    expect(report.equity.length).toBe(5760);
    expect(report.stats.finalEquity).toBeCloseTo(report.equity[report.equity.length - 1]?.[1] ?? NaN, 9);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/<svg/);
  });

  it('backtests a file whose name says no symbol: the instrument is named from the file, quote from --quote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-noname-'));
    const f = join(dir, 'prices.csv');
    // The bundled BTC/USD 4h sample under a name that says nothing (and no sample index beside it).
    writeFileSync(f, readFileSync(join(ROOT, 'resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv')));
    const out = join(dir, 'r.json');
    const r = await cli(['backtest', '--data', f, '--strategy', 'sma-cross', '--quote', 'usdt', '--json', out, '--html', join(dir, 'r.html')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: instrument PRICES\/USDT named from the file name/);
    expect(r.stdout).toMatch(/PRICES\/USDT 4h · 20695 bars/);
    // Sized at the fill, every cross up of the sample is a trade: no order fails.
    expect(r.stdout).toMatch(/Orders: 773 \(0 cancelled, 0 rejected, 0 denied\)/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      instrument: { symbol: string; quote: string };
      trades: unknown[];
      orders: { orders: number; cancelled: number; warning: string | null };
      benchmark: { name: string; equity: [number, number][]; totalReturn: number };
      prices: [number, number][];
      indicators: { name: string; points: [number, number][] }[];
      monthlyReturns: { month: string; return: number }[];
      equity: [number, number][];
    };
    expect(report.instrument).toMatchObject({ symbol: 'PRICES/USDT', quote: 'USDT' });
    expect(report.trades).toHaveLength(387);
    expect(report.orders).toMatchObject({ orders: 773, cancelled: 0, warning: null });
    // Buy and hold: all of the 10 000 at the first close, less the 10 bps fee, marked at the last close.
    const lines = readFileSync(f, 'utf8').trim().split('\n');
    const header = (lines[0] as string).split(',');
    const closeAt = (line: string): number => Number(line.split(',')[header.indexOf('close')]);
    const expected = ((10_000 * 0.999) / closeAt(lines[1] as string)) * closeAt(lines[lines.length - 1] as string);
    expect(report.benchmark.name).toBe('buy-and-hold');
    expect(report.benchmark.totalReturn).toBeCloseTo(expected / 10_000 - 1, 9);
    expect(report.prices).toHaveLength(report.equity.length);
    // The strategy's indicators over the price: SMA(10) first known at the 10th bar's close.
    const closes10 = lines.slice(1, 11).map(closeAt);
    expect(report.indicators.map((l) => l.name)).toEqual(['sma_10', 'sma_30']);
    expect(report.indicators[0]?.points[0]?.[0]).toBe(Date.parse('2016-05-18T04:00:00Z') + 10 * 4 * 3_600_000);
    expect(report.indicators[0]?.points[0]?.[1]).toBeCloseTo(closes10.reduce((a, b) => a + b, 0) / 10, 9);
    expect(report.monthlyReturns[0]?.month).toBe('2016-05');
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toMatch(/Monthly returns/);
    expect(html).toMatch(/Buy and hold/);
    expect(html).toMatch(/class="entry"/);
    const bad = await cli(['backtest', '--data', f, '--strategy', 'sma-cross', '--quote', 'U$D']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('libra backtest: --quote: quote currency must be 2 to 12 letters or digits (e.g. USD), got "U$D"\n');
  });

  it('runs a bar strategy on a trades file: bars built from the trades, fills against the trades, the symbol read from a concatenated file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-trades-'));
    // Kraken's raw trade export (no header: unix seconds, price, volume) under a Binance-style name.
    const f = join(dir, 'BCHEUR.csv');
    writeFileSync(f, readFileSync(join(SHARED, 'freqtrade/kraken/trades_csv/BCHEUR.csv')));
    const out = join(dir, 'r.json');
    const r = await cli(['backtest', '--data', f, '--strategy', 'sma-cross', '--param', 'fast=2', '--param', 'slow=5', '--timeframe', '15m', '--capital', '100', '--json', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: instrument BCH\/EUR read from the file name BCHEUR\.csv/);
    expect(r.stderr).toMatch(/note: orders fill against the trades; the strategy also gets 15m bars built from them/);
    expect(r.stdout).toMatch(/BCH\/EUR 15m · 148 trades → \d+ bars/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { instrument: { quote: string }; stats: { startTime: number; trades: number; timeframeMs: number }; trades: { entryTime: number; entryPrice: number }[]; equity: [number, number][] };
    expect(report.instrument.quote).toBe('EUR');
    expect(report.stats.timeframeMs).toBe(900_000);
    expect(report.stats.startTime).toBeGreaterThan(Date.parse('2023-01-01T00:00:00Z'));
    expect(report.equity.length).toBeGreaterThan(10);
    expect(report.trades.length).toBeGreaterThan(0);
    // Every entry fills against the file's trades (at a trade's time, at most each trade's size:
    // the average of the prints it took), not at a bar's open.
    const rows = readFileSync(f, 'utf8').trim().split('\n').map((l) => l.split(',').map(Number) as [number, number, number]);
    const times = new Set(rows.map((t) => t[0] * 1000));
    const lo = Math.min(...rows.map((t) => t[1]));
    const hi = Math.max(...rows.map((t) => t[1]));
    for (const t of report.trades) {
      expect(times.has(t.entryTime)).toBe(true);
      expect(t.entryPrice).toBeGreaterThanOrEqual(lo);
      expect(t.entryPrice).toBeLessThanOrEqual(hi);
    }
  });

  it('names the file and line of a malformed row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-bad-'));
    const f = join(dir, 'AAA_USD-1m.csv');
    writeFileSync(f, 'time,open,high,low,close,volume\n1000,1,2,0.5,1.5,10\n61000,1,2,0.5,abc,10\n');
    const r = await cli(['backtest', '--data', f, '--strategy', 'sma-cross']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/AAA_USD-1m\.csv line 3: not a number in column close/);
  });

  it('explains an unknown strategy, a bad parameter and an unknown flag', async () => {
    expect((await cli(['backtest', '--data', ETH_BTC, '--strategy', 'nope'])).stderr).toMatch(/unknown strategy "nope"/);
    expect((await cli(['backtest', '--data', ETH_BTC, '--strategy', 'sma-cross', '--param', 'fast=x'])).stderr).toMatch(/parameter fast must be a number/);
    expect((await cli(['backtest', '--data', ETH_BTC, '--strategy', 'sma-cross', '--param', 'fast=40'])).stderr).toMatch(/fast \(40\) must be smaller than slow \(30\)/);
    expect((await cli(['backtest', '--dta', ETH_BTC])).stderr).toMatch(/unknown flag --dta/);
  });

  it('loads a user strategy from a TypeScript file by path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-strat-'));
    const file = join(dir, 'buy-and-hold.ts');
    writeFileSync(
      file,
      `interface Ctx { instruments(): { id: string; quote: string }[]; balance(c: string): number; market(id: string, side: 'BUY', q: number): unknown }
export default class BuyAndHold {
  private done = false;
  private ctx!: Ctx;
  onStart(ctx: Ctx): void { this.ctx = ctx; }
  onBar(bar: { close: number }): void {
    if (this.done) return;
    const inst = this.ctx.instruments()[0]!;
    this.ctx.market(inst.id, 'BUY', (this.ctx.balance(inst.quote) / bar.close) * 0.99);
    this.done = true;
  }
}
`,
    );
    const out = join(dir, 'r.json');
    const r = await cli(['backtest', '--data', ETH_BTC, '--strategy', file, '--capital', '1', '--json', out, '--quiet']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { trades: { exitTime: number | null }[] };
    expect(report.trades).toHaveLength(1);
    expect(report.trades[0]?.exitTime).toBeNull();
  });
});

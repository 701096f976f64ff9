/**
 * L2 book backtests through the CLI, as a user runs them: a real Tardis book_snapshot_5 recording
 * (Binance USD-M BTCUSDT, 2020-09-01) replayed with the book fill model from the file and, after
 * `libra import --book`, from the store; fills checked by hand against the file's levels.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const TARDIS5 = resolve(ROOT, '../shared/data/nautilus_trader/tests/test_data/tardis/binance-futures_book_snapshot_5_BTCUSDT.csv');
const ETH_BTC = resolve(ROOT, '../shared/data/freqtrade/original_json_until_2023-07/ETH_BTC-5m.json');
const cli = (args: string[]) =>
  run('node', [join(ROOT, 'bin/libra.js'), ...args], { cwd: ROOT }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

interface Report {
  trades: { entryPrice: number; exitPrice: number; quantity: number; fees: number; entryTime: number; exitTime: number }[];
  equity: [number, number][];
  benchmark: { finalEquity: number } | null;
  orders: { orders: number; denied: number };
}

describe('libra backtest over an L2 order book', () => {
  const dir = mkdtempSync(join(tmpdir(), 'libra-book-'));
  // Buys 2 BTC at market on the first book, sells them on the fifth.
  const strat = join(dir, 'book.ts');
  writeFileSync(
    strat,
    `interface Ctx { instruments(): { id: string }[]; market(id: string, side: 'BUY' | 'SELL', q: number): unknown }
export default class Book {
  private n = 0;
  private ctx!: Ctx;
  onStart(ctx: Ctx): void { this.ctx = ctx; }
  onBook(): void {
    this.n++;
    const id = this.ctx.instruments()[0]!.id;
    if (this.n === 1) this.ctx.market(id, 'BUY', 2);
    if (this.n === 5) this.ctx.market(id, 'SELL', 2);
  }
}
`,
  );
  const common = ['--strategy', strat, '--capital', '30000', '--fee-bps', '10'];

  it('walks the levels of the file: fills by hand, equity at each update, buy-and-hold', async () => {
    const out = join(dir, 'file.json');
    const r = await cli(['backtest', '--data', TARDIS5, '--book', ...common, '--json', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/symbol BTCUSDT read as BTC\/USDT/);
    expect(r.stdout).toMatch(/10 book updates/);
    expect(r.stdout).toMatch(/Orders: 2 \(0 cancelled, 0 rejected, 0 denied\)/);
    const rep = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(rep.trades).toHaveLength(1);
    const t = rep.trades[0] as Report['trades'][number];
    // Book 1 asks: 1.714 @ 11657.08, then 5.4 @ 11657.54 → 2 BTC = 1.714 @ 11657.08 + 0.286 @ 11657.54.
    expect(t.entryPrice).toBeCloseTo((1.714 * 11657.08 + 0.286 * 11657.54) / 2, 6);
    // Book 5's best bid: 10.881 @ 11657.07, enough for the 2 BTC.
    expect(t.exitPrice).toBe(11657.07);
    expect(t.entryTime).toBe(1598918403696);
    expect(t.exitTime).toBe(1598918404021);
    expect(t.fees).toBeCloseTo(0.001 * (1.714 * 11657.08 + 0.286 * 11657.54 + 2 * 11657.07), 6);
    // One equity sample per update, marked at the mid; buy-and-hold paid the first best ask.
    expect(rep.equity).toHaveLength(10);
    expect(rep.benchmark?.finalEquity).toBeCloseTo(((30000 * 0.999) / 11657.08) * ((11657.07 + 11657.08) / 2), 4);
  });

  it('imports the book into the store and backtests it from there with the same report', async () => {
    const imp = await cli(['import', '--file', TARDIS5, '--book', '--venue', 'BINANCE', '--data-dir', dir]);
    expect(imp.stdout).toBe('imported BTC/USDT book updates on BINANCE: 10 new, 0 already stored\n');
    const again = await cli(['import', '--file', TARDIS5, '--book', '--venue', 'BINANCE', '--data-dir', dir]);
    expect(again.stdout).toMatch(/0 new, 10 already stored/);
    const data = JSON.parse((await cli(['data', '--json', '--data-dir', dir])).stdout) as { symbol: string; kind: string; rows: number }[];
    expect(data).toContainEqual(expect.objectContaining({ symbol: 'BTC/USDT', kind: 'book', rows: 10 }));
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    await cli(['backtest', '--data', TARDIS5, '--venue', 'BINANCE', ...common, '--quiet', '--json', a]);
    const r = await cli(['backtest', '--symbol', 'BTCUSDT', '--book', ...common, '--quiet', '--json', b, '--data-dir', dir]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(readFileSync(b, 'utf8'))).toEqual(JSON.parse(readFileSync(a, 'utf8')));
  });

  it('says what is wrong with --book in one line, exit code 2', async () => {
    const bars = await cli(['backtest', '--data', ETH_BTC, '--book', '--strategy', 'sma-cross']);
    expect(bars.code).toBe(2);
    expect(bars.stderr).toMatch(/^libra backtest: --book: .*ETH_BTC-5m\.json holds bars, not an order book\n$/);
    const tf = await cli(['backtest', '--symbol', 'BTCUSDT', '--book', '--timeframe', '1m', '--strategy', 'sma-cross', '--data-dir', dir]);
    expect(tf.code).toBe(2);
    expect(tf.stderr).toBe('libra backtest: --book replays book levels; it takes no --timeframe\n');
    const none = await cli(['backtest', '--symbol', 'ETHUSDT', '--book', '--strategy', 'sma-cross', '--data-dir', dir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/the store has no ETHUSDT book levels/);
    const imp = await cli(['import', '--file', TARDIS5, '--data-dir', dir]);
    expect(imp.code).toBe(2);
    expect(imp.stderr).toMatch(/holds an order book: add --book/);
  });
});

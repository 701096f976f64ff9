/**
 * The store through the CLI, as a user runs it: import real files (twice: idempotent), list
 * them, backtest from the store and get the same report as from the file, ASOF query without
 * look-ahead, and a malformed file that fails with file and line and writes nothing.
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
const ETH_BTC = resolve(ROOT, '../shared/data/freqtrade/original_json_until_2023-07/ETH_BTC-5m.json');
const cli = (args: string[]) =>
  run('node', [join(ROOT, 'bin/libra.js'), ...args], { cwd: ROOT }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('libra import / data / query / backtest from the store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'libra-store-'));

  it('imports a real file idempotently and lists it', async () => {
    const first = await cli(['import', '--file', ETH_BTC, '--venue', 'BINANCE', '--data-dir', dir]);
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.stdout).toMatch(/5760 new, 0 already stored/);
    const again = await cli(['import', '--file', ETH_BTC, '--venue', 'BINANCE', '--data-dir', dir]);
    expect(again.stdout).toMatch(/0 new, 5760 already stored/);
    const data = await cli(['data', '--json', '--data-dir', dir]);
    const series = JSON.parse(data.stdout) as { symbol: string; rows: number; timeframeMs: number }[];
    expect(series).toEqual([expect.objectContaining({ symbol: 'ETH/BTC', rows: 5760, timeframeMs: 300_000 })]);
  });

  it('gives the same backtest report from the store as from the file', async () => {
    const a = join(dir, 'file.json');
    const b = join(dir, 'store.json');
    await cli(['backtest', '--data', ETH_BTC, '--venue', 'BINANCE', '--strategy', 'sma-cross', '--capital', '1', '--quiet', '--json', a]);
    const r = await cli(['backtest', '--symbol', 'ETH/BTC', '--timeframe', '5m', '--strategy', 'sma-cross', '--capital', '1', '--quiet', '--json', b, '--data-dir', dir]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(readFileSync(b, 'utf8'))).toEqual(JSON.parse(readFileSync(a, 'utf8')));
  });

  it('takes tick and lot sizes from the flags before the store record, as the file run does, and reads BTCUSDT-style symbols', async () => {
    const a = join(dir, 'file-lot.json');
    const b = join(dir, 'store-lot.json');
    const lot = ['--lot-size', '0.01', '--tick-size', '0.00001'];
    await cli(['backtest', '--data', ETH_BTC, '--venue', 'BINANCE', '--strategy', 'sma-cross', '--capital', '1', '--quiet', '--json', a, ...lot]);
    // ETHBTC is how Binance writes ETH/BTC: the store finds the series under the unified name.
    const r = await cli(['backtest', '--symbol', 'ETHBTC', '--timeframe', '5m', '--strategy', 'sma-cross', '--capital', '1', '--json', b, '--data-dir', dir, ...lot]);
    expect(r.stderr).toMatch(/lot size 0\.01 from --lot-size \(the store's record says 0\.00000001\)/);
    const fromStore = JSON.parse(readFileSync(b, 'utf8')) as { trades: { quantity: number }[] };
    expect(fromStore).toEqual(JSON.parse(readFileSync(a, 'utf8')));
    expect(fromStore.trades.length).toBeGreaterThan(10);
    for (const t of fromStore.trades) expect(Math.abs(t.quantity * 100 - Math.round(t.quantity * 100))).toBeLessThan(1e-6);
    const bad = await cli(['backtest', '--symbol', 'ETH/BTC', '--timeframe', '5m', '--strategy', 'sma-cross', '--lot-size', 'abc', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('libra backtest: --lot-size must be a positive number, got abc\n');
  });

  it('imports venue-native symbols: BTC-PERP kept as given with its quote, BTCUSDT mapped to BTC/USDT', async () => {
    const bars = 'time,open,high,low,close,volume\n60000,100,101,99,100.5,2\n120000,100.5,102,100,101,3\n';
    const f = join(dir, 'perp.csv');
    writeFileSync(f, bars);
    const perp = await cli(['import', '--file', f, '--symbol', 'BTC-PERP', '--quote', 'USDT', '--timeframe', '1m', '--data-dir', dir]);
    expect(perp.stderr).toBe('');
    expect(perp.stdout).toMatch(/imported BTC-PERP 1m bars on SIM: 2 new/);
    const spot = await cli(['import', '--file', f, '--symbol', 'BTCUSDT', '--timeframe', '1m', '--data-dir', dir]);
    expect(spot.stdout).toMatch(/imported BTC\/USDT 1m bars on SIM: 2 new/);
    const bad = await cli(['import', '--file', f, '--symbol', 'BTC USD', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('libra import: --symbol: symbol must be letters and digits with / : - _ . (e.g. BTC/USDT, BTCUSDT, BTC-PERP), got "BTC USD"\n');
    const badQuote = await cli(['import', '--file', f, '--symbol', 'BTC-PERP', '--quote', 'U$', '--data-dir', dir]);
    expect(badQuote.code).toBe(2);
    expect(badQuote.stderr).toMatch(/--quote: quote currency must be 2 to 12 letters or digits/);
  });

  it('backtests stored trades (--trades) with the same report as the trades file', async () => {
    const file = resolve(ROOT, '../shared/data/freqtrade/XRP_ETH-trades.json.gz');
    const imp = await cli(['import', '--file', file, '--trades', '--symbol', 'XRPETH', '--venue', 'BINANCE', '--data-dir', dir]);
    expect(imp.stdout).toMatch(/imported XRP\/ETH trades on BINANCE: \d+ new/);
    // Buys 100 XRP on the 10th print, sells them on the 500th: trades drive the trade fill model.
    const strat = join(dir, 'ticks.ts');
    writeFileSync(
      strat,
      `interface Ctx { instruments(): { id: string }[]; market(id: string, side: 'BUY' | 'SELL', q: number): unknown }
export default class Ticks {
  private n = 0;
  private ctx!: Ctx;
  onStart(ctx: Ctx): void { this.ctx = ctx; }
  onTrade(): void {
    this.n++;
    const id = this.ctx.instruments()[0]!.id;
    if (this.n === 10) this.ctx.market(id, 'BUY', 100);
    if (this.n === 500) this.ctx.market(id, 'SELL', 100);
  }
}
`,
    );
    const a = join(dir, 'trades-file.json');
    const b = join(dir, 'trades-store.json');
    const common = ['--strategy', strat, '--capital', '10', '--quiet'];
    const f = await cli(['backtest', '--data', file, '--symbol', 'XRP/ETH', '--venue', 'BINANCE', ...common, '--json', a]);
    expect(f.stderr).toBe('');
    const r = await cli(['backtest', '--symbol', 'XRP/ETH', '--trades', ...common, '--json', b, '--data-dir', dir]);
    expect(r.stderr).toBe('');
    const fromStore = JSON.parse(readFileSync(b, 'utf8')) as { trades: { quantity: number; exitTime: number | null }[] };
    expect(fromStore).toEqual(JSON.parse(readFileSync(a, 'utf8')));
    expect(fromStore.trades).toHaveLength(1);
    expect(fromStore.trades[0]?.quantity).toBe(100);
    expect(fromStore.trades[0]?.exitTime).not.toBeNull();
    // A bar strategy on stored trades: it gets bars built from them (--timeframe), the same as from the file.
    const c = join(dir, 'bars-file.json');
    const d = join(dir, 'bars-store.json');
    const bars = ['--strategy', 'sma-cross', '--timeframe', '5m', '--capital', '1'];
    const file5 = await cli(['backtest', '--data', file, '--symbol', 'XRP/ETH', '--venue', 'BINANCE', ...bars, '--json', c]);
    expect(file5.stdout).toMatch(/XRP\/ETH 5m · 12477 trades → 706 bars/);
    const store5 = await cli(['backtest', '--symbol', 'XRP/ETH', '--trades', ...bars, '--json', d, '--data-dir', dir]);
    expect(store5.code).toBe(0);
    expect(store5.stderr).toMatch(/note: orders fill against the trades; the strategy also gets 5m bars built from them/);
    const built = JSON.parse(readFileSync(d, 'utf8')) as { trades: unknown[]; stats: { timeframeMs: number } };
    expect(built).toEqual(JSON.parse(readFileSync(c, 'utf8')));
    expect(built.stats.timeframeMs).toBe(300_000);
    expect(built.trades.length).toBeGreaterThan(5);
  });

  it('answers ASOF queries with the last bar closed at the signal time', async () => {
    const sig = join(dir, 'signals.csv');
    writeFileSync(sig, 'ts,symbol\n2018-01-15T12:07:00Z,ETH/BTC\n');
    const r = await cli(['query', '--signals', sig, '--with', 'bars', '--timeframe', '5m', '--json', '--data-dir', dir]);
    const row = JSON.parse(r.stdout.trim()) as { match: { openTime: number; ts: number } };
    expect(row.match.ts).toBe(Date.parse('2018-01-15T12:05:00Z'));
    expect(row.match.openTime).toBe(Date.parse('2018-01-15T12:00:00Z'));
  });

  it('fails a malformed file with file and line and stores none of it', async () => {
    const bad = join(dir, 'ZZZ_USD-1m.csv');
    writeFileSync(bad, 'time,open,high,low,close,volume\n60000,1,2,0.5,1.5,10\n120000,1,2,0.5,1.5,-3\n');
    const r = await cli(['import', '--file', bad, '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ZZZ_USD-1m\.csv line 3/);
    const data = JSON.parse((await cli(['data', '--json', '--data-dir', dir])).stdout) as { symbol: string }[];
    expect(data.map((s) => s.symbol)).not.toContain('ZZZ/USD');
  });
});

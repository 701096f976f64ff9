/**
 * `libra optimize` and `libra check-lookahead` as a user runs them, on the bundled Coinbase
 * BTC/USD 4h sample: every set's statistics equal a `libra backtest` of the same parameters
 * (real worker threads, the real engine), the JSON is best first, the HTML holds the heatmap,
 * walk-forward and Monte Carlo run in the same command (Monte Carlo identical for a seed),
 * bad input gets one line naming the flag, and the detector reports the peeking fixture strategy
 * with its bar times and decisions while sma-cross comes out clean.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../../src/main/kernel';
import { optimizeCommand } from '../../src/main/cli/commands/optimize';
import type { CommandIo } from '../../src/main/cli/commands/optimize';
import { checkLookaheadCommand } from '../../src/main/cli/commands/check-lookahead';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SAMPLE = resolve(ROOT, 'resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv');
const PEEK = resolve(ROOT, 'test/fixtures/strategies/peek-next-bar.ts');
const XRP_TRADES = resolve(ROOT, '../shared/data/freqtrade/XRP_ETH-trades.json.gz');
const TARDIS_BOOK = resolve(ROOT, '../shared/data/nautilus_trader/tests/test_data/tardis/binance-futures_book_snapshot_5_BTCUSDT.csv');

function sink(): NodeJS.WritableStream & { text: string } {
  const s = { text: '', write(chunk: string | Uint8Array): boolean {
    s.text += String(chunk);
    return true;
  } };
  return s as unknown as NodeJS.WritableStream & { text: string };
}

function io(cwd: string): CommandIo & { out: { text: string }; err: { text: string } } {
  return { out: sink(), err: sink(), cwd };
}

/** The first `n` bars of the sample, in a file named so the symbol is inferred. */
function sampleHead(dir: string, n: number): string {
  const lines = readFileSync(SAMPLE, 'utf8').split('\n');
  const file = join(dir, 'BTC-USD_head.csv');
  writeFileSync(file, `${lines.slice(0, n + 1).join('\n')}\n`);
  return file;
}

describe('libra optimize', () => {
  const kernel = new Kernel({ dataDir: mkdtempSync(join(tmpdir(), 'libra-opt-')) });

  it('gives every set the statistics of a libra backtest with the same parameters, best first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-opt-'));
    const o = io(dir);
    const outcome = await optimizeCommand(['--data', SAMPLE, '--strategy', 'sma-cross', '--grid', 'fast=5:15:10', '--grid', 'slow=40:60:20', '--objective', 'total-return', '--workers', '2', '--fee-bps', '5', '--json', 'o.json', '--html', 'o.html'], kernel, o);
    expect(outcome?.results.length).toBe(4);
    expect(outcome?.workers).toBe(2);
    const json = JSON.parse(readFileSync(join(dir, 'o.json'), 'utf8')) as { results: { params: Record<string, number>; stats: { totalReturn: number } }[] };
    const returns = json.results.map((r) => r.stats.totalReturn);
    expect(returns).toEqual([...returns].sort((a, b) => b - a));
    for (const r of json.results) {
      const bt = await kernel.backtestFile({ path: SAMPLE, strategy: 'sma-cross', params: { fast: String(r.params.fast), slow: String(r.params.slow) }, takerFeeBps: 5, instrument: { hints: 'flags' } });
      expect(r.stats).toEqual(JSON.parse(JSON.stringify(bt.stats)));
    }
    expect(o.out.text).toMatch(/1 {2}fast=\d+ slow=\d+/);
    expect(o.out.text).toMatch(/bar evaluations in .* on 2 worker\(s\)/);
    const html = readFileSync(join(dir, 'o.html'), 'utf8');
    expect(html).toContain('total-return over fast × slow');
    expect(html.match(/<td style="background:hsl/g)?.length).toBe(4);
  }, 120_000);

  it('runs a walk-forward and a seeded Monte Carlo in the same command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-opt-'));
    const file = sampleHead(dir, 3000);
    const args = ['--data', file, '--strategy', 'sma-cross', '--grid', 'fast=5,10', '--grid', 'slow=30,50', '--workers', '2', '--walk-forward', '3', '--monte-carlo', '300', '--seed', '42', '--quiet'];
    const a = await optimizeCommand(args, kernel, io(dir));
    const wf = a?.walkForward;
    expect(wf?.folds.length).toBe(3);
    // Each fold tests out-of-sample the window right after its in-sample one; folds do not overlap.
    for (let i = 0; i < 3; i++) {
      const f = wf?.folds[i];
      expect(f && f.outOfSample.from).toBe(f?.inSample.to);
      if (i > 0) expect(f?.inSample.from).toBe(wf?.folds[i - 1]?.inSample.to);
    }
    const equity = wf?.equity ?? [];
    expect(equity.length).toBeGreaterThan(2000);
    for (let i = 1; i < equity.length; i++) expect((equity[i] as [number, number])[0]).toBeGreaterThan((equity[i - 1] as [number, number])[0]);
    expect(wf?.totalReturn).toBeCloseTo((equity[equity.length - 1]?.[1] ?? 0) / 10_000 - 1, 9);
    expect(a?.monteCarlo?.runs).toBe(300);
    const b = await optimizeCommand(args, kernel, io(dir));
    expect(b?.monteCarlo).toEqual(a?.monteCarlo);
  }, 120_000);

  it('reports sets the strategy refuses and still ranks the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-opt-'));
    const file = sampleHead(dir, 500);
    const o = io(dir);
    const outcome = await optimizeCommand(['--data', file, '--strategy', 'sma-cross', '--grid', 'fast=10,40', '--grid', 'slow=30', '--workers', '1'], kernel, o);
    expect(outcome?.results.map((r) => r.params.fast)).toEqual([10]);
    expect(o.out.text).toContain('1 set(s) refused by the strategy; first: fast (40) must be smaller than slow (30)');
  }, 60_000);

  it('optimises a series of the store (--symbol --timeframe) as a file of the same bars', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-opt-store-'));
    const file = sampleHead(dir, 1500);
    const store = new Kernel({ dataDir: dir });
    await store.importFile({ path: file, venue: 'COINBASE' });
    const args = ['--strategy', 'sma-cross', '--grid', 'fast=5,10', '--grid', 'slow=30', '--workers', '1', '--quiet'];
    const fromStore = await optimizeCommand([...args, '--symbol', 'BTC/USD', '--timeframe', '4h', '--data-dir', dir], store, io(dir));
    const fromFile = await optimizeCommand([...args, '--data', file, '--venue', 'COINBASE'], store, io(dir));
    expect(fromStore?.bars).toBe(1500);
    expect(fromStore?.results.map((r) => [r.params, r.stats.totalReturn, r.stats.trades])).toEqual(fromFile?.results.map((r) => [r.params, r.stats.totalReturn, r.stats.trades]));
  }, 120_000);

  it.each([
    [['--grid', 'fast=5:25:5'], '--strategy is required (e.g. --strategy sma-cross)'],
    [['--strategy', 'sma-cross'], 'give at least one --grid name=start:stop:step (e.g. --grid fast=5:25:5)'],
    [['--strategy', 'sma-cross', '--grid', 'fast=5:25'], '--grid fast: "5:25" must be start:stop:step'],
    [['--strategy', 'sma-cross', '--grid', 'fast=5:25:5', '--objective', 'money'], '--objective must be one of total-return, sharpe, sortino, calmar, profit-factor, got "money"'],
    [['--strategy', 'sma-cross', '--grid', 'fast=5:25:5', '--workers', '0'], '--workers must be a whole number ≥ 1, got 0'],
    [['--strategy', 'sma-cross', '--grid', 'fast=5:25:5', '--walk-forward', '1.5'], '--walk-forward must be a whole number ≥ 1, got 1.5'],
    [['--strategy', 'sma-cross', '--grid', 'fast=5:25:5', '--monte-carlo', '-3'], '--monte-carlo must be a whole number ≥ 1, got -3'],
    [['--strategy', 'sma-cross', '--grid', 'fast=5:25:5', '--seed', '4'], '--seed is for --monte-carlo RUNS: give both'],
    [['--strategy', 'sma-cross', '--grid', 'fast=5:25:5', '--top', '0'], '--top must be a whole number ≥ 1, got 0'],
    [['--strategy', 'sma-cross', '--grid', 'fast=5:25:5', '--param', 'fast=3'], 'fast is both a --grid and a --param'],
    [['--strategy', 'sma-cross', '--grid', 'fast=5:25:5', '--capital', '0'], '--capital must be > 0, got 0'],
    [['--strategy', 'sma-cross', '--grid', 'fast=5:25:5'], 'give --data FILE, or --symbol S --timeframe TF | --trades [--from T] [--to T] to read from the store'],
  ])('refuses %j with one clear line', async (args, message) => {
    await expect(optimizeCommand(args, kernel, io(ROOT))).rejects.toThrow(message);
  });

  it('refuses a set of unknown parameters and an order book file, naming them', async () => {
    await expect(optimizeCommand(['--data', SAMPLE, '--strategy', 'sma-cross', '--grid', 'speed=1:2:1'], kernel, io(ROOT))).rejects.toThrow('no set of the grid is valid for this strategy (first: unknown parameter "speed" (known: fast, slow))');
    await expect(optimizeCommand(['--data', TARDIS_BOOK, '--strategy', 'sma-cross', '--grid', 'fast=5:6:1'], kernel, io(ROOT))).rejects.toThrow('optimize needs bars or trades: this data holds an order book');
  }, 60_000);

  it('sweeps a trades file with the trade fill model: every set equals libra backtest of the file, from the file and from the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-opt-trades-'));
    const grid = ['--strategy', 'sma-cross', '--grid', 'fast=3:9:6', '--grid', 'slow=20:40:20', '--capital', '1', '--objective', 'total-return', '--workers', '2'];
    const o = io(dir);
    const fromFile = await optimizeCommand(['--data', XRP_TRADES, ...grid, '--walk-forward', '2', '--json', 'f.json'], kernel, o);
    expect(o.err.text).toContain('orders fill against the trades; the strategy also gets 1m bars built from them');
    expect(fromFile?.bars).toBe(2469);
    expect(fromFile?.results.length).toBe(4);
    for (const r of fromFile?.results ?? []) {
      const bt = await kernel.backtestFile({ path: XRP_TRADES, strategy: 'sma-cross', params: { fast: String(r.params.fast), slow: String(r.params.slow) }, capital: 1, instrument: { hints: 'flags' } });
      expect(bt.source.fillModel).toBe('trade');
      expect(r.stats).toEqual(bt.stats);
      expect(r.stats.trades).toBeGreaterThan(10);
    }
    // Walk-forward windows are counted in the bars built from the trades: two folds of a third each.
    expect(fromFile?.walkForward?.folds.map((f) => f.outOfSample.from)).toHaveLength(2);

    // The same trades imported, then swept from the store with --trades: the same ranking and numbers.
    const store = join(dir, 'store');
    const imp = new Kernel({ dataDir: store });
    await imp.importFile({ path: XRP_TRADES, dataDir: store, hints: 'flags' });
    const fromStore = await optimizeCommand(['--symbol', 'XRP/ETH', '--trades', '--data-dir', store, ...grid, '--quiet'], imp, io(dir));
    expect(fromStore?.results.map((r) => [r.params, r.stats])).toEqual(fromFile?.results.map((r) => [r.params, r.stats]));
  }, 120_000);

  it('exits with code 2 and one line on bad input, as every libra command', async () => {
    const err = await run('node', [join(ROOT, 'bin/libra.js'), 'optimize', '--data', SAMPLE, '--strategy', 'sma-cross', '--grid', 'fast=5:1:1'], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2, stderr: 'libra optimize: --grid fast: stop 1 is below start 5\n' });
  }, 60_000);
});

describe('libra check-lookahead', () => {
  const kernel = new Kernel({ dataDir: mkdtempSync(join(tmpdir(), 'libra-la-')) });

  it('reports a strategy that reads the next bar, with the bar time and the decision', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-la-'));
    const file = sampleHead(dir, 400);
    const o = io(dir);
    const report = await checkLookaheadCommand(['--data', file, '--strategy', PEEK, '--param', `file=${file}`, '--points', '12', '--json', 'la.json'], kernel, o);
    expect(report?.clean).toBe(false);
    expect(report?.findings.length).toBeGreaterThan(0);
    const bars = readFileSync(file, 'utf8').trim().split('\n').slice(1);
    const closeTimes = new Set(bars.map((l) => Date.parse(`${l.split(',')[0]?.replace(' ', 'T')}Z`) + 4 * 3_600_000));
    for (const f of report?.findings ?? []) {
      // The peeking decision was taken on the very bar the data was cut after, and vanished with the cut.
      expect(closeTimes.has(f.time)).toBe(true);
      expect(f.time).toBe(f.cutAt);
      expect(f.full).toMatch(/^(BUY|SELL) MARKET qty=/);
      expect(f.cut).toBeNull();
    }
    expect(o.out.text).toContain('LOOK-AHEAD');
    const first = report?.findings[0];
    expect(o.out.text).toContain(new Date(first?.time ?? 0).toISOString().slice(0, 16).replace('T', ' '));
    const json = JSON.parse(readFileSync(join(dir, 'la.json'), 'utf8')) as { clean: boolean; findings: unknown[] };
    expect(json.clean).toBe(false);
    expect(json.findings).toHaveLength(report?.findings.length ?? -1);
    expect(json.findings[0]).toEqual({ cutAt: first?.cutAt, time: first?.time, full: first?.full, cut: null });
  }, 120_000);

  it('cuts a trades file with its trades: sma-cross on the bars built from them comes out clean', async () => {
    const o = io(ROOT);
    const report = await checkLookaheadCommand(['--data', XRP_TRADES, '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=20', '--capital', '1', '--points', '12'], kernel, o);
    expect(report?.bars).toBe(2469);
    expect(report?.decisions).toBeGreaterThan(20);
    expect(report?.cuts).toBeGreaterThan(5);
    expect(report?.clean).toBe(true);
  }, 120_000);

  it('finds sma-cross clean', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-la-'));
    const file = sampleHead(dir, 2000);
    const o = io(dir);
    const report = await checkLookaheadCommand(['--data', file, '--strategy', 'sma-cross', '--points', '30'], kernel, o);
    expect(report?.decisions).toBeGreaterThan(10);
    expect(report?.cuts).toBeGreaterThan(20);
    expect(report?.findings).toEqual([]);
    expect(o.out.text).toContain('clean — no decision changed when future bars were removed');
  }, 120_000);

  it('exits with code 1 when it finds look-ahead and 0 when the strategy is clean', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-la-'));
    const file = sampleHead(dir, 300);
    const err = await run('node', [join(ROOT, 'bin/libra.js'), 'check-lookahead', '--data', file, '--strategy', PEEK, '--param', `file=${file}`, '--points', '6', '--quiet'], { cwd: dir }).catch((e: { code: number; stdout: string }) => e);
    expect(err).toMatchObject({ code: 1 });
    const clean = await run('node', [join(ROOT, 'bin/libra.js'), 'check-lookahead', '--data', file, '--strategy', 'sma-cross', '--points', '6'], { cwd: dir });
    expect(clean.stdout).toContain('clean — no decision changed');
  }, 120_000);

  it('refuses bad flags with one clear line', async () => {
    await expect(checkLookaheadCommand(['--data', SAMPLE, '--strategy', 'sma-cross', '--points', '0'], kernel, io(ROOT))).rejects.toThrow('--points must be a whole number ≥ 1, got 0');
    await expect(checkLookaheadCommand(['--data', SAMPLE], kernel, io(ROOT))).rejects.toThrow('--strategy is required');
    await expect(checkLookaheadCommand(['--data', SAMPLE, '--strategy', 'sma-cross', '--param', 'fast=x'], kernel, io(ROOT))).rejects.toThrow('parameter fast must be a number, got "x"');
  });
});

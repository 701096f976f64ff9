/**
 * The Backtest and Strategies panels' host side: a real backtest through the worker thread gives
 * the same stats as `libra backtest` (Kernel.backtestFile in-process, the assembly the CLI uses); the host keeps answering and
 * its event loop stays responsive while backtests run; bad input is refused with a clear reason.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestRunView, RunningStrategyView, BacktestChartView } from '../../shared/ipc/views';
import type { Result } from '../../shared/ipc/result';
import { Kernel } from '../kernel';
import type { PaperReplaySession } from '../kernel';
import { DEFAULT_SAMPLE_DIR } from './backtest-service';
import { EngineHost } from './engine-host';
import { paperSession } from './test-support';

const SAMPLE = 'BTC-USD_coinbase_4h_2016-2025.csv';

function value<T>(r: Result<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function waitDone(host: EngineHost, id: string, timeoutMs = 60_000): Promise<BacktestRunView> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const run = value<BacktestRunView>(await host.call('libra:backtest.status', { id, report: true }));
    if (run.status !== 'running') return run;
    if (Date.now() > end) throw new Error(`backtest ${id} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('backtests through the host', () => {
  let host: EngineHost<PaperReplaySession>;

  beforeAll(async () => {
    host = new EngineHost(await paperSession());
  });
  afterAll(() => host?.dispose());

  it('runs a real backtest in a worker thread and gets the same stats as Kernel.backtestFile in-process', async () => {
    const started = value<BacktestRunView>(
      await host.call('libra:backtest.start', { data: { sample: SAMPLE }, strategy: 'sma-cross', params: { fast: '10', slow: '30' }, capital: 10_000, feeBps: 10, slippageBps: 0 }),
    );
    expect(started.status).toBe('running');
    const done = await waitDone(host, started.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('done');
    const report = done.report;
    if (!report) throw new Error('no report');

    const reference = await new Kernel({ dataDir: '/nonexistent' }).backtestFile({
      path: join(DEFAULT_SAMPLE_DIR, SAMPLE),
      strategy: 'sma-cross',
      params: { fast: '10', slow: '30' },
      capital: 10_000,
      takerFeeBps: 10,
    });
    const ref = reference.stats;
    // The whole statistics object, field for field: the worker and the in-process run agree.
    expect(report.stats).toEqual(ref);
    expect(report.trades.length).toBe(reference.input.trades.length);
    expect(report.tradesTotal).toBeGreaterThan(10);
    expect(report.equity.length).toBeLessThanOrEqual(2000);
    expect(report.drawdown.length).toBeLessThanOrEqual(2000);
    expect(report.equity.at(-1)?.[1]).toBeCloseTo(ref.finalEquity, 6);
    expect(Math.min(...report.drawdown.map((p) => p[1]))).toBeCloseTo(-ref.maxDrawdown, 9);
    expect(done.progress?.done).toBe(done.progress?.total);
    expect(report.chartable).toBe(true);
    // The HTML report's price chart data, downsampled like the equity: the close and both SMAs.
    const prices = report.prices ?? [];
    const refPrices = reference.input.prices ?? [];
    expect(prices.length).toBeGreaterThan(500);
    expect(prices.length).toBeLessThanOrEqual(2000);
    expect(prices[0]).toEqual(refPrices[0]);
    expect(prices.at(-1)).toEqual(refPrices.at(-1));
    const closes = new Map(refPrices.map(([t, v]) => [t, v]));
    expect(prices.every(([t, v]) => closes.get(t) === v)).toBe(true);
    expect(report.indicators.map((l) => l.name)).toEqual((reference.input.indicators ?? []).map((l) => l.name));
    expect(report.indicators.map((l) => l.name)).toEqual(['sma_10', 'sma_30']);
    for (const [i, line] of report.indicators.entries()) {
      const ref = new Map((reference.input.indicators?.[i]?.points ?? []).map(([t, v]) => [t, v]));
      expect(line.points.length).toBeGreaterThan(500);
      expect(line.points.length).toBeLessThanOrEqual(2000);
      expect(line.points.every(([t, v]) => ref.get(t) === v)).toBe(true);
    }

    const chart = value<BacktestChartView>(await host.call('libra:backtest.chart', { id: started.id, trade: 3 }));
    const trade = report.trades[3];
    expect(chart.focus.from).toBe(trade?.entryTime);
    expect(chart.bars[0]?.time).toBeLessThan(trade?.entryTime ?? 0);
    expect(chart.bars.at(-1)?.time).toBeGreaterThan(trade?.exitTime ?? Infinity);
    expect(chart.trades.some((t) => t.index === 3)).toBe(true);
  }, 80_000);

  it('keeps answering and streaming while two backtests run (event-loop delay stays low)', async () => {
    const deltas: number[] = [];
    const client = host.connect((m) => deltas.push(m.seq), { scheduler: { now: () => Date.now(), schedule: (ms, fn) => { const t = setTimeout(fn, ms); return () => clearTimeout(t); } } });
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    const req = { data: { sample: SAMPLE }, strategy: 'sma-cross', params: {}, capital: 10_000, feeBps: 10, slippageBps: 0 };
    const a = value<BacktestRunView>(await host.call('libra:backtest.start', req));
    const b = value<BacktestRunView>(await host.call('libra:backtest.start', req));
    const latencies: number[] = [];
    let progressSeen = 0;
    while (value<BacktestRunView>(await host.call('libra:backtest.status', { id: a.id })).status === 'running' || value<BacktestRunView>(await host.call('libra:backtest.status', { id: b.id })).status === 'running') {
      const t0 = performance.now();
      value(await host.call('libra:session.snapshot', {}));
      latencies.push(performance.now() - t0);
      host.session.release(); // the replay keeps streaming bars meanwhile
      const s = value<BacktestRunView>(await host.call('libra:backtest.status', { id: a.id }));
      if (s.progress && s.progress.done > 0 && s.progress.done < s.progress.total) progressSeen++;
      await new Promise((r) => setTimeout(r, 20));
    }
    h.disable();
    client.close();
    expect((await waitDone(host, a.id)).status).toBe('done');
    expect((await waitDone(host, b.id)).status).toBe('done');
    expect(latencies.length).toBeGreaterThan(5);
    expect(Math.max(...latencies)).toBeLessThan(100);
    expect(h.percentile(99) / 1e6).toBeLessThan(100);
    expect(deltas.length).toBeGreaterThan(1);
    expect(progressSeen).toBeGreaterThan(0);
  }, 80_000);

  it('cancels a running backtest by terminating its worker', async () => {
    const r = value<BacktestRunView>(await host.call('libra:backtest.start', { data: { sample: SAMPLE }, strategy: 'sma-cross', params: {}, capital: 10_000, feeBps: 10, slippageBps: 0 }));
    const c = value<BacktestRunView>(await host.call('libra:backtest.cancel', { id: r.id }));
    expect(c.status).toBe('cancelled');
    expect(host.backtests.runs.running).toBe(0);
  });

  it('refuses bad data, strategies and parameters with a clear reason', async () => {
    const base = { strategy: 'sma-cross', params: {}, capital: 10_000, feeBps: 10, slippageBps: 0 };
    const missing = await host.call('libra:backtest.start', { ...base, data: { path: '/no/such/file.csv' } });
    expect(missing).toEqual({ ok: false, error: { code: 'DATA_NOT_FOUND', message: 'no file at /no/such/file.csv' } });
    const folder = await host.call('libra:backtest.start', { ...base, data: { path: DEFAULT_SAMPLE_DIR } });
    expect(folder.ok ? '' : folder.error.message).toMatch(/is a folder/);
    const format = await host.call('libra:backtest.start', { ...base, data: { path: join(DEFAULT_SAMPLE_DIR, 'README.md') } });
    expect(format.ok ? '' : format.error.code).toBe('DATA_FORMAT');
    const strategy = await host.call('libra:backtest.start', { ...base, strategy: 'nope', data: { sample: SAMPLE } });
    expect(strategy.ok ? '' : strategy.error.message).toMatch(/unknown strategy "nope"/);
    const param = await host.call('libra:backtest.start', { ...base, params: { fast: 'x' }, data: { sample: SAMPLE } });
    expect(param.ok ? '' : `${param.error.code}: ${param.error.message}`).toBe('PARAM_INVALID: parameter fast must be a number, got "x"');
    const ctor = await host.call('libra:backtest.start', { ...base, params: { fast: '40', slow: '30' }, data: { sample: SAMPLE } });
    expect(ctor.ok ? '' : ctor.error.message).toMatch(/must be smaller than slow/);
  });

  it('lists the bundled samples and built-in strategies, and describes parameters', async () => {
    const cat = value<{ samples: { file: string }[]; strategies: string[] }>(await host.call('libra:backtest.catalog', {}));
    expect(cat.samples.map((s) => s.file)).toContain(SAMPLE);
    expect(cat.strategies).toContain('sma-cross');
    const d = value<{ params: { name: string; default: unknown }[] }>(await host.call('libra:strategies.describe', { strategy: 'sma-cross' }));
    expect(d.params.map((p) => [p.name, p.default])).toEqual([['fast', 10], ['slow', 30]]);
  });

  it('starts sma-cross on the paper session, lists it running, and stops it', async () => {
    const bad = await host.call('libra:strategies.start', { strategy: './nope.ts', params: {} });
    expect(bad.ok ? '' : bad.error.message).toMatch(/strategy file not found/);
    const s = value<RunningStrategyView>(await host.call('libra:strategies.start', { strategy: 'sma-cross', params: { fast: '3', slow: '5' } }));
    expect(s).toMatchObject({ id: 'sma-cross-1', state: 'running', params: { fast: 3, slow: 5 }, timeframe: '4h' });
    for (let i = 0; i < 60; i++) host.session.release();
    const listed = value<RunningStrategyView[]>(await host.call('libra:strategies.list', {}));
    expect(listed[0]?.state).toBe('running');
    expect(listed[0]?.orders).toBeGreaterThan(0);
    const stopped = value<RunningStrategyView>(await host.call('libra:strategies.stop', { id: s.id }));
    expect(stopped.state).toBe('stopped');
  });
});

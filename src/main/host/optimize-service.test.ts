/**
 * The Backtest panel's optimise mode through the host's contract (`libra:optimize.*`, payloads
 * parsed with the zod schemas as a window's are): the sets run in real worker threads, the best
 * set's statistics equal a `libra backtest` of its parameters, the heatmap covers the grid, bad
 * grids are refused with a reason, and a cancelled search ends.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/ipc/result';
import type { OptimizeRunView } from '../../shared/ipc/views';
import { Kernel } from '../kernel';
import { DEFAULT_SAMPLE_DIR } from './backtest-service';
import { EngineHost } from './engine-host';
import { paperSession } from './test-support';

const SAMPLE = 'BTC-USD_coinbase_4h_2016-2025.csv';

function value<T>(r: Result<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function waitDone(host: EngineHost, id: string, timeoutMs = 90_000): Promise<OptimizeRunView> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const run = value<OptimizeRunView>(await host.call('libra:optimize.status', { id }));
    if (run.status !== 'running') return run;
    if (Date.now() > end) throw new Error(`optimisation ${id} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const request = (grid: unknown, extra: Record<string, unknown> = {}) => ({ data: { sample: SAMPLE }, strategy: 'sma-cross', grid, objective: 'sharpe', capital: 10_000, feeBps: 10, slippageBps: 0, ...extra });

describe('optimisation through the host', () => {
  let host: EngineHost;

  beforeAll(async () => {
    host = new EngineHost(await paperSession());
  });
  afterAll(() => host?.dispose());

  it('ranks the grid in worker threads; the best set equals libra backtest; the heatmap covers the grid', async () => {
    const started = value<OptimizeRunView>(await host.call('libra:optimize.start', request([{ name: 'fast', start: 5, stop: 15, step: 10 }, { name: 'slow', start: 40, stop: 80, step: 40 }])));
    expect(started.status).toBe('running');
    const run = await waitDone(host, started.id);
    expect(run.status).toBe('done');
    expect(run.sets).toBe(4);
    expect(run.results).toHaveLength(4);
    const scores = run.results.map((r) => r.score ?? -Infinity);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(run.heatmap).toHaveLength(2);
    expect(run.heatmap?.flat().filter((v) => v !== null)).toHaveLength(4);
    const best = run.results[0];
    const bt = await new Kernel().backtestFile({ path: join(DEFAULT_SAMPLE_DIR, SAMPLE), strategy: 'sma-cross', params: { fast: String(best?.params.fast), slow: String(best?.params.slow) } });
    expect(best?.totalReturn).toBe(bt.stats.totalReturn);
    expect(best?.score).toBe(bt.stats.sharpe);
    expect(best?.trades).toBe(bt.stats.trades);
  }, 120_000);

  it('refuses a bad grid with the reason', async () => {
    const bad = await host.call('libra:optimize.start', request([{ name: 'fast', start: 5, stop: 1, step: 1 }]));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.message).toContain('stop must be ≥ start');
    const unknown = await host.call('libra:optimize.start', request([{ name: 'speed', start: 1, stop: 2, step: 1 }]));
    expect(!unknown.ok && unknown.error).toMatchObject({ code: 'PARAM_INVALID', message: 'no set of the grid is valid: unknown parameter "speed" (known: fast, slow)' });
    const invalid = await host.call('libra:optimize.start', request([{ name: 'fast', start: 40, stop: 50, step: 10 }], { params: { slow: '30' } }));
    expect(!invalid.ok && invalid.error.message).toBe('no set of the grid is valid: fast (40) must be smaller than slow (30)');
    const objective = await host.call('libra:optimize.start', request([{ name: 'fast', start: 5, stop: 6, step: 1 }], { objective: 'money' }));
    expect(objective.ok).toBe(false);
  });

  it('cancels a running search', async () => {
    const started = value<OptimizeRunView>(await host.call('libra:optimize.start', request([{ name: 'fast', start: 2, stop: 30, step: 1 }, { name: 'slow', start: 40, stop: 100, step: 2 }])));
    const cancelled = value<OptimizeRunView>(await host.call('libra:optimize.cancel', { id: started.id }));
    expect(cancelled.status).toBe('cancelled');
    // A new search may start once the cancelled one is over.
    const next = await host.call('libra:optimize.start', request([{ name: 'fast', start: 10, stop: 10, step: 1 }]));
    expect(next.ok).toBe(true);
    if (next.ok) expect(await waitDone(host, (next.value as OptimizeRunView).id)).toMatchObject({ status: 'done', error: null });
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { CHANNELS } from './contract';
import { BacktestStartSchema, describeZodError, OpenBacktestChartSchema, StrategyStartSchema } from './schemas';

const base = { data: { sample: 'BTC-USD_coinbase_4h_2016-2025.csv' }, strategy: 'sma-cross', capital: 10_000, feeBps: 10, slippageBps: 0 };

describe('backtest and strategy schemas', () => {
  it('accepts a sample or a path, and defaults params to none', () => {
    expect(BacktestStartSchema.parse(base).params).toEqual({});
    expect(BacktestStartSchema.safeParse({ ...base, data: { path: '/data/x.csv' }, params: { fast: '10' } }).success).toBe(true);
  });

  it('refuses sample names with folders, negative costs, zero capital, unknown keys and odd param names', () => {
    const bad = [
      { ...base, data: { sample: '../etc/passwd' } },
      { ...base, feeBps: -1 },
      { ...base, capital: 0 },
      { ...base, extra: 1 },
      { ...base, params: { 'a b': '1' } },
      { ...base, params: { fast: 10 } },
      { ...base, data: { path: '' } },
    ];
    for (const b of bad) expect(BacktestStartSchema.safeParse(b).success, JSON.stringify(b)).toBe(false);
    const r = BacktestStartSchema.safeParse({ ...base, strategy: '' });
    expect(r.success ? '' : describeZodError(r.error)).toBe('strategy: choose a strategy');
  });

  it('validates strategy start and chart requests', () => {
    expect(StrategyStartSchema.safeParse({ strategy: 'sma-cross', params: { fast: '5' } }).success).toBe(true);
    expect(OpenBacktestChartSchema.safeParse({ runId: 'BT-1', trade: -1 }).success).toBe(false);
  });

  it('derives the new channels from the contract', () => {
    const names = CHANNELS.map((c) => c.channel);
    for (const c of ['libra:backtest.start', 'libra:backtest.status', 'libra:backtest.cancel', 'libra:backtest.chart', 'libra:strategies.start', 'libra:strategies.stop', 'libra:strategies.list', 'libra:windows.openBacktestChart']) {
      expect(names).toContain(c);
    }
  });
});

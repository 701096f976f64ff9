/**
 * One A/B side: the backtest bench's run (sma-cross over generated 1-minute bars) at the
 * checkout this file is bundled from; `run(n)` returns its CPU time. bench/ab/backtest-ab.sh
 * bundles it at two commits and alternates the two in one process. Kept to the Kernel.backtest
 * call every commit since b5f156c accepts.
 */
import { makeInstrument } from '../../src/shared/domain/instrument';
import type { Bar } from '../../src/shared/messages/market-data';
import SmaCross from '../../src/main/engine/strategy/examples/sma-cross';
import { Kernel } from '../../src/main/kernel';

const inst = makeInstrument({ symbol: 'BTC/USDT', venue: 'SIM', tickSize: '0.01', lotSize: '0.00001' });

// Chunks of 2048 bars: the size the real sources yield since 2026-12-03 (DEFAULT_CHUNK_SIZE of
// src/main/backtest/data; a literal here, since the old side of an A/B may not export it).
async function* generate(n: number, chunk = 2048): AsyncGenerator<Bar[]> {
  let seed = 42;
  let price = 30_000;
  for (let i = 0; i < n; ) {
    const out: Bar[] = [];
    for (let j = 0; j < chunk && i < n; j++, i++) {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      const r = seed / 2 ** 32 - 0.5;
      const open = price;
      price = Math.max(100, Math.round(price * (1 + r * 0.004) * 100) / 100);
      out.push({ instrumentId: inst.id, timeframeMs: 60_000, openTime: i * 60_000, ts: (i + 1) * 60_000, open, high: Math.max(open, price) + 5, low: Math.min(open, price) - 5, close: price, volume: 1 });
    }
    yield out;
  }
}

const kernel = new Kernel();
export const run = async (n: number): Promise<{ cpuMs: number; trades: number }> => {
  const c0 = process.cpuUsage();
  const r = await kernel.backtest({
    instruments: [inst],
    feeds: [{ kind: 'bar', instrumentId: inst.id, timeframeMs: 60_000, chunks: generate(n) }],
    strategy: { id: 'S', hooks: new SmaCross({ fast: 10, slow: 30 }) },
    capital: 100_000,
    accountCurrency: 'USDT',
    fillModel: 'bar',
    makerFeeBps: 10,
    takerFeeBps: 10,
    slippageBps: 1,
    latencyMs: 0,
  });
  const c = process.cpuUsage(c0);
  return { cpuMs: (c.user + c.system) / 1000, trades: r.trades.length };
};

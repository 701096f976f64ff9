import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../shared/domain/instrument';
import { makeInstrument } from '../../shared/domain/instrument';
import type { Bar } from '../../shared/messages/market-data';
import { Topics } from '../engine/bus/topics';
import { TsRiskGate } from '../engine/risk/ts-risk-gate';
import { PaperReplaySession } from './paper-replay';

const H4 = 4 * 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const BTC = makeInstrument({ symbol: 'BTC/USD', venue: 'COINBASE', tickSize: '0.01', lotSize: '0.00000001' });
const ETH = makeInstrument({ symbol: 'ETH/USD', venue: 'COINBASE', tickSize: '0.01', lotSize: '0.00000001' });
const manualTime = { now: () => 0, schedule: () => () => undefined };

function bars(inst: Instrument, slots: readonly number[], base: number): Bar[] {
  return slots.map((i) => {
    const openTime = T0 + i * H4;
    const px = base + i;
    return { instrumentId: inst.id, timeframeMs: H4, openTime, ts: openTime + H4, open: px, high: px + 1, low: px - 1, close: px + 0.5, volume: 1 };
  });
}

function risk(instruments: readonly Instrument[]): TsRiskGate {
  const gate = new TsRiskGate({ defaults: {}, referencePrice: 'last', maxOpenOrders: 100 });
  for (const i of instruments) gate.registerInstrument(i);
  return gate;
}

function twoInstruments(warmupBars = 0): PaperReplaySession {
  // ETH misses slot 2, BTC starts at slot 1: 6 distinct bar times.
  return new PaperReplaySession({
    feeds: [
      { instrument: BTC, bars: bars(BTC, [1, 2, 3, 4, 5], 100) },
      { instrument: ETH, bars: bars(ETH, [0, 1, 3, 4, 5], 10) },
    ],
    timeframeMs: H4,
    warmupBars,
    capital: 10_000,
    risk: risk([BTC, ETH]),
    time: manualTime,
  });
}

describe('PaperReplaySession over several instruments', () => {
  it('releases bars merged in time order: every instrument with a bar at the next time, one step each', () => {
    const s = twoInstruments();
    const seen: string[] = [];
    s.node.bus.subscribe(Topics.bars(BTC.id, s.timeframe), (b) => seen.push(`BTC@${(b.openTime - T0) / H4}`));
    s.node.bus.subscribe(Topics.bars(ETH.id, s.timeframe), (b) => seen.push(`ETH@${(b.openTime - T0) / H4}`));
    const steps: number[] = [];
    for (;;) {
      const released = s.releaseStep();
      if (released.length === 0) break;
      steps.push(released.length);
      expect(s.node.clock.now()).toBe((released[0] as Bar).ts);
    }
    expect(steps).toEqual([1, 2, 1, 2, 2, 2]);
    expect(seen).toEqual(['ETH@0', 'BTC@1', 'ETH@1', 'BTC@2', 'BTC@3', 'ETH@3', 'BTC@4', 'ETH@4', 'BTC@5', 'ETH@5']);
    expect(s.release()).toBeNull();
  });

  it('keeps history per instrument (the first is the default) and pages it', () => {
    const s = twoInstruments(3);
    expect(s.instruments.map((i) => i.symbol)).toEqual(['BTC/USD', 'ETH/USD']);
    expect(s.instrument).toBe(BTC);
    expect(s.history().map((b) => (b.openTime - T0) / H4)).toEqual([1, 2]);
    expect(s.history(ETH.id).map((b) => (b.openTime - T0) / H4)).toEqual([0, 1]);
    expect(s.historyBefore(T0 + 2 * H4, 5, ETH.id).map((b) => (b.openTime - T0) / H4)).toEqual([0, 1]);
    expect(s.historyBefore(T0 + 2 * H4, 1).map((b) => (b.openTime - T0) / H4)).toEqual([1]);
    expect(s.lastBar(ETH.id)?.openTime).toBe(T0 + H4);
    expect(s.has(ETH.id)).toBe(true);
    expect(() => s.history('SOL/USD.COINBASE')).toThrow(/not part of this paper replay/);
  });

  it('one simulated venue and one account fill market orders on both instruments at their next bar', () => {
    const s = twoInstruments(2);
    const a = s.node.execution.submit('manual', { instrumentId: BTC.id, side: 'BUY', type: 'MARKET', quantityRaw: 50_000_000 });
    const b = s.node.execution.submit('manual', { instrumentId: ETH.id, side: 'BUY', type: 'MARKET', quantityRaw: 200_000_000 });
    expect(a.ok && b.ok).toBe(true);
    s.releaseStep(); // slot 2: only BTC has a bar
    expect(s.node.portfolio.netPosition(BTC.id)).toBe(50_000_000);
    expect(s.node.portfolio.netPosition(ETH.id)).toBe(0);
    s.releaseStep(); // slot 3: ETH fills at its open
    expect(s.node.portfolio.netPosition(ETH.id)).toBe(200_000_000);
    const fills = s.node.cache.allOrders().map((o) => [o.instrumentId, o.status, o.avgPx]);
    expect(fills).toEqual([
      [BTC.id, 'FILLED', 102],
      [ETH.id, 'FILLED', 13],
    ]);
    expect(s.node.portfolio.balanceValue('USD')).toBeLessThan(10_000 - 0.5 * 102 - 2 * 13 + 1e-9);
  });

  it('keeps the single-instrument API and refuses instruments on another venue or quote', () => {
    const single = new PaperReplaySession({ instrument: BTC, bars: bars(BTC, [0, 1, 2], 100), timeframeMs: H4, warmupBars: 1, capital: 1000, risk: risk([BTC]), time: manualTime });
    expect(single.instruments).toEqual([BTC]);
    expect(single.release()?.openTime).toBe(T0 + H4);
    const other = makeInstrument({ symbol: 'ETH/USD', venue: 'KRAKEN', tickSize: '0.01', lotSize: '0.001' });
    const eur = makeInstrument({ symbol: 'ETH/EUR', venue: 'COINBASE', tickSize: '0.01', lotSize: '0.001' });
    const build = (inst: Instrument) => () =>
      new PaperReplaySession({ feeds: [{ instrument: BTC, bars: bars(BTC, [0, 1], 100) }, { instrument: inst, bars: bars(inst, [0, 1], 10) }], timeframeMs: H4, capital: 1, risk: risk([BTC, inst]), time: manualTime });
    expect(build(other)).toThrow(/one venue/);
    expect(build(eur)).toThrow(/one quote currency/);
  });
});

/**
 * The live equity feed of `libra run` (build.ts `startEquityFeed`) with the real live core: bus,
 * portfolio, execution engine and TS risk gate; time is a hand-moved TimeSource.
 */
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../../shared/domain/instrument';
import { Topics } from '../../engine/bus/topics';
import type { RiskEvent } from '../../engine/risk/risk-gate';
import { createTsRiskGate } from '../../engine/risk/ts-risk-gate';
import { buildLiveCore, startEquityFeed } from './build';

const inst = makeInstrument({ symbol: 'BTC/USDT', venue: 'X', tickSize: '0.01', lotSize: '0.001' });

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

describe('startEquityFeed', () => {
  it('feeds equity from balances and marks only once every instrument is marked, so the day starts from a full valuation', async () => {
    let now = Date.UTC(2026, 0, 5, 10);
    const core = buildLiveCore({ time: { now: () => now, schedule: () => () => undefined }, risk: createTsRiskGate({ defaults: {}, dailyLossLimit: 500 }), accountCurrency: 'USDT', run: 1 });
    core.execution.registerInstrument(inst);
    core.portfolio.setBalance('USDT', 0);
    core.portfolio.setBalance('BTC', 1);
    const events: RiskEvent[] = [];
    core.bus.subscribe(Topics.allRiskEvents, (e) => events.push(e));
    const feed = startEquityFeed(core, { minIntervalMs: 250 });
    feed.enable(); // no mark yet: an equity of 0 must not become the day's start
    const tick = (price: number): void => {
      core.portfolio.mark(inst.id, price);
      core.bus.publish(Topics.trades(inst.id), { instrumentId: inst.id, ts: now, price, size: 1, tradeId: String(now) });
    };
    tick(50_000);
    await settle();
    now += 1000;
    tick(49_600); // -400: inside the limit
    await settle();
    expect(core.risk.tradingState()).toBe('ACTIVE');
    now += 100;
    tick(49_000); // within the throttle interval: not valued yet
    await settle();
    expect(core.risk.tradingState()).toBe('ACTIVE');
    now += 1000;
    tick(49_000);
    await settle();
    expect(core.risk.tradingState()).toBe('REDUCING');
    expect(events.map((e) => e.message)).toEqual(['RISK_LIMIT_BREACH: daily loss 1000 >= 500 (day start equity 50000, equity 49000); trading REDUCING']);
    feed.stop();
  });
});

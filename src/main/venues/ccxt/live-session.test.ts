import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../../shared/domain/instrument';
import type { Bar } from '../../../shared/messages/market-data';
import { Topics } from '../../engine/bus/topics';
import { TsRiskGate } from '../../engine/risk/ts-risk-gate';
import type { TimeSource } from '../../engine/clock/clock';
import { buildLiveCore, startEquityFeed } from './build';
import { connectionStateOf, LiveSession } from './live-session';

const inst = makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE', tickSize: '0.01', lotSize: '0.00001' });
const bar = (openTime: number, close: number): Bar => ({ instrumentId: inst.id, timeframeMs: 60_000, openTime, ts: openTime + 60_000, open: close, high: close, low: close, close, volume: 1 });

function setup(now = 10 * 60_000) {
  // A manual time source: the test moves `t`; nothing is scheduled.
  const clock = { t: now };
  const time: TimeSource = { now: () => clock.t, schedule: () => () => undefined };
  const core = buildLiveCore({ time, risk: new TsRiskGate({ defaults: {}, drawdownHalt: 0.05 }), accountCurrency: 'USDT', run: 1 });
  core.execution.registerInstrument(inst);
  const session = new LiveSession(core, [inst], 'live.json', true);
  return { core, session, clock };
}

describe('LiveSession', () => {
  it('keeps the venue history then the live bars in time order, and pages before a time', async () => {
    const { core, session } = setup();
    core.bus.publish(Topics.bars(inst.id, '1m'), bar(5 * 60_000, 105));
    session.seedHistory(inst.id, [bar(3 * 60_000, 103), bar(4 * 60_000, 104), bar(5 * 60_000, 999), bar(20 * 60_000, 120)]);
    core.bus.publish(Topics.bars(inst.id, '1m'), bar(6 * 60_000, 106));
    core.bus.publish(Topics.bars(inst.id, '1m'), bar(6 * 60_000, 0)); // a repeat is ignored
    await new Promise((r) => setTimeout(r, 10)); // live delivery is asynchronous
    expect(session.history().map((b) => b.close)).toEqual([103, 104, 105, 106]);
    expect(session.historyBefore(6 * 60_000, 2).map((b) => b.close)).toEqual([104, 105]);
    expect(session.has(inst.id)).toBe(true);
    expect(session.instrument.id).toBe(inst.id);
  });

  it('reports venue states as a trader reads them, in order, to every listener', () => {
    const { session } = setup();
    const seen: string[] = [];
    const off = session.onVenueState((s) => seen.push(`${s.venue} ${s.state}${s.reason ? ` ${s.reason}` : ''}`));
    session.setVenueState('BINANCE', 'live', connectionStateOf('DISCONNECTED'), 'socket closed', 1);
    session.setVenueState('BINANCE', 'live', connectionStateOf('RECONCILING'), null, 2);
    session.setVenueState('BINANCE', 'live', connectionStateOf('CONNECTED'), null, 3);
    off();
    session.setVenueState('BINANCE', 'live', 'HALTED', '418 banned', 4);
    expect(seen).toEqual(['BINANCE RECONNECTING socket closed', 'BINANCE RECONCILING', 'BINANCE CONNECTED']);
    expect(session.venueStates()).toEqual([{ venue: 'BINANCE', mode: 'live', state: 'HALTED', reason: '418 banned', ts: 4 }]);
  });

  it('marks every trade, and with the session equity feed a drawdown past the limit halts trading', async () => {
    const { core } = setup();
    const feed = startEquityFeed(core, { minIntervalMs: 0 });
    core.portfolio.setBalance('USDT', 100_000);
    const trade = (price: number, ts: number) => core.bus.publish(Topics.trades(inst.id), { instrumentId: inst.id, price, size: 0.01, side: 'BUY', ts, tradeId: String(ts) });
    trade(60_000, 1);
    feed.enable();
    await new Promise((r) => setTimeout(r, 10));
    expect(core.risk.tradingState()).toBe('ACTIVE');
    core.portfolio.setBalance('USDT', 94_000); // the account lost 6% (as a venue balance update would say)
    trade(60_000, 2);
    await new Promise((r) => setTimeout(r, 10));
    expect(core.risk.tradingState()).toBe('HALTED');
    expect(core.cache.lastPrice(inst.id)).toBe(60_000);
    feed.stop();
  });
});

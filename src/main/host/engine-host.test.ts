import { describe, expect, it } from 'vitest';
import type { Delta, StateMessage } from '../../shared/ipc/state-stream';
import type { AlertView, BarView, HistoryPage, Snapshot } from '../../shared/ipc/views';
import { Kernel } from '../kernel';
import { Topics } from '../engine/bus/topics';
import { EngineHost } from './engine-host';
import { ManualScheduler, paperSession } from './test-support';

async function setup() {
  const session = await paperSession();
  const scheduler = new ManualScheduler();
  const host = new EngineHost(session, { scheduler });
  const msgs: StateMessage[] = [];
  const client = host.connect((m) => msgs.push(m));
  const deltas = (): Delta[] => msgs.flatMap((m) => (m.kind === 'batch' ? m.deltas : []));
  return { session, scheduler, host, msgs, client, deltas, id: session.instrument.id };
}

describe('EngineHost', () => {
  it('sends a snapshot with decimals first, then coalesced batches at most once per frame', async () => {
    const { session, scheduler, msgs, id } = await setup();
    const first = msgs[0];
    expect(first?.kind).toBe('snapshot');
    const snap = (first as { snapshot: Snapshot }).snapshot;
    expect(snap.instruments[0]?.id).toBe(id);
    expect(snap.instruments[0]?.tickSize).toBe(0.01);
    expect(snap.quotes[0]?.last).toBeGreaterThan(100);
    for (let i = 0; i < 50; i++) session.release();
    expect(msgs).toHaveLength(1);
    scheduler.advance(0);
    expect(msgs).toHaveLength(2);
    const batch = msgs[1] as Extract<StateMessage, { kind: 'batch' }>;
    expect(batch.seq).toBe(2);
    const bars = batch.deltas.flatMap((d) => (d.t === 'bar' ? [d.bar] : []));
    expect(bars.filter((b) => b.instrumentId === id && b.timeframe === '4h')).toHaveLength(50);
    // One quote per instrument, coalesced to the latest.
    expect(batch.deltas.filter((d) => d.t === 'quote').map((d) => (d.t === 'quote' ? d.quote.symbol : ''))).toEqual(['BTC/USD', 'ETH/USD']);
    session.release();
    scheduler.advance(5);
    expect(msgs).toHaveLength(2); // the next batch waits for the frame
    scheduler.advance(12); // one frame (1000/60 ms) after the first batch
    expect(msgs).toHaveLength(3);
  });

  it('rejects invalid payloads and unknown channels with a Result, never a throw', async () => {
    const { host, id } = await setup();
    const bad = await host.call('libra:orders.submit', { instrumentId: id, side: 'BUY', type: 'LIMIT', quantity: '1' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(bad.ok ? '' : bad.error.message).toContain('price');
    expect(await host.call('libra:fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await host.call('libra:orders.submit', { instrumentId: id, side: 'BUY', type: 'MARKET', quantity: '0.123456789' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('fills a market order on the next bar and streams order, fill, position with unrealized PnL', async () => {
    const { host, session, scheduler, deltas, id } = await setup();
    const r = await host.call('libra:orders.submit', { instrumentId: id, side: 'BUY', type: 'MARKET', quantity: '0.5' });
    expect(r.ok).toBe(true);
    session.release();
    session.release();
    scheduler.advance(17);
    const d = deltas();
    expect(d.some((x) => x.t === 'fill' && x.fill.quantity === 0.5)).toBe(true);
    const orders = d.filter((x): x is Extract<Delta, { t: 'order' }> => x.t === 'order');
    expect(orders.at(-1)?.order.status).toBe('FILLED');
    const pos = d.filter((x): x is Extract<Delta, { t: 'position' }> => x.t === 'position').at(-1)?.position;
    expect(pos?.quantity).toBe(0.5);
    expect(pos?.unrealized).toBeCloseTo(((pos?.mark ?? 0) - (pos?.avgEntry ?? 0)) * 0.5, 6);
  });

  it('spends a quote amount from the ticket: the fill is sized at its price, fee included', async () => {
    const { host, session, scheduler, deltas, id } = await setup();
    const r = await host.call('libra:orders.submit', { instrumentId: id, side: 'BUY', type: 'MARKET', quantity: '0.001', quoteQuantity: '1000' });
    expect(r.ok).toBe(true);
    session.release();
    session.release();
    scheduler.advance(17);
    const fill = deltas().find((x): x is Extract<Delta, { t: 'fill' }> => x.t === 'fill')?.fill;
    expect(fill).toBeDefined();
    // What 1000 buys at the fill price, not the ticket's 0.001 estimate: cost + fee ≤ 1000, and one lot more would not fit.
    const cost = (fill?.quantity ?? 0) * (fill?.price ?? 0);
    expect(fill?.quantity).toBeGreaterThan(0.001);
    expect(cost + (fill?.fee ?? 0)).toBeLessThanOrEqual(1000 + 1e-9);
    expect(cost).toBeGreaterThan(990);
  });

  it('answers a risk denial with its reason and streams it to the risk panel', async () => {
    const { host, scheduler, deltas, id } = await setup();
    const r = await host.call('libra:orders.submit', { instrumentId: id, side: 'BUY', type: 'MARKET', quantity: '1000' });
    expect(r).toMatchObject({ ok: false, error: { code: 'MAX_NOTIONAL_EXCEEDED' } });
    expect(r.ok ? '' : r.error.message).not.toMatch(/^MAX_NOTIONAL_EXCEEDED/);
    scheduler.advance(17);
    expect(deltas().find((x) => x.t === 'denial')).toMatchObject({ denial: { reason: 'MAX_NOTIONAL_EXCEEDED', quantity: 1000 } });
  });

  it('pages history before the oldest bar with engine indicator values aligned', async () => {
    const { host, session, id } = await setup();
    const r1 = (await host.call('libra:chart.history', { instrumentId: id, timeframe: session.timeframe, limit: 100, indicators: ['sma:20'] })) as { ok: true; value: HistoryPage };
    expect(r1.value.bars).toHaveLength(100);
    expect(r1.value.hasMore).toBe(true);
    const oldest = r1.value.bars[0]?.time ?? 0;
    const r2 = (await host.call('libra:chart.history', { instrumentId: id, timeframe: session.timeframe, limit: 1000, before: oldest, indicators: ['sma:20'] })) as { ok: true; value: HistoryPage };
    expect(r2.value.bars.at(-1)?.time).toBeLessThan(oldest);
    expect(r2.value.hasMore).toBe(false);
    const all = [...r2.value.bars, ...r1.value.bars];
    const closes = all.slice(0, 20).map((b) => b.close);
    expect(all[19]?.indicators['sma:20']).toBeCloseTo(closes.reduce((a, b) => a + b, 0) / 20, 8);
    expect(all[18]?.indicators['sma:20']).toBeNull();
  });

  it('keeps one chart\'s indicators out of the defaults every later chart starts with', async () => {
    const { host, session, id } = await setup();
    const before = (await host.call('libra:session.snapshot', undefined)) as { ok: true; value: { indicators: string[] } };
    const r = (await host.call('libra:chart.history', { instrumentId: id, timeframe: session.timeframe, limit: 50, indicators: ['rsi:14'] })) as { ok: true; value: HistoryPage };
    expect(r.value.bars.at(-1)?.indicators['rsi:14']).toEqual(expect.any(Number));
    const after = (await host.call('libra:session.snapshot', undefined)) as { ok: true; value: { indicators: string[] } };
    expect(after.value.indicators).toEqual(before.value.indicators);
    expect(after.value.indicators).not.toContain('rsi:14');
  });

  it('serves every output of a multi-output indicator (MACD line, signal and histogram)', async () => {
    const { host, session, id } = await setup();
    const r = (await host.call('libra:chart.history', { instrumentId: id, timeframe: session.timeframe, limit: 50, indicators: ['macd:12:26:9'] })) as { ok: true; value: HistoryPage };
    const last = r.value.bars.at(-1)?.indicators ?? {};
    expect(Object.keys(last).sort()).toEqual(['macd:12:26:9', 'macd:12:26:9#hist', 'macd:12:26:9#signal']);
    const [line, signal, hist] = [last['macd:12:26:9'], last['macd:12:26:9#signal'], last['macd:12:26:9#hist']];
    expect(hist).toBeCloseTo((line ?? NaN) - (signal ?? NaN), 8);
  });

  it('streams the venue\'s order book and trades to the windows (ladder and tape)', async () => {
    const { host, session, scheduler, deltas, id } = await setup();
    const bus = session.node.bus;
    bus.publish(Topics.book(id), { instrumentId: id, ts: 5, action: 'SNAPSHOT', sequence: 1, bids: [{ price: 100, size: 2 }, { price: 100.5, size: 1 }], asks: [{ price: 101, size: 3 }] });
    bus.publish(Topics.trades(id), { instrumentId: id, ts: 6, price: 100.7, size: 0.25, side: 'SELL', tradeId: 't1' });
    scheduler.advance(17);
    expect(deltas().find((d) => d.t === 'book')).toEqual({ t: 'book', book: { instrumentId: id, ts: 5, bids: [{ price: 100.5, size: 1 }, { price: 100, size: 2 }], asks: [{ price: 101, size: 3 }] } });
    expect(deltas().find((d) => d.t === 'trade')).toEqual({ t: 'trade', trade: { instrumentId: id, tradeId: 't1', ts: 6, price: 100.7, size: 0.25, side: 'SELL' } });
    // A window that connects later gets the last book after its snapshot (a quiet book may not change for a while).
    const late: StateMessage[] = [];
    host.connect((m) => late.push(m));
    scheduler.advance(17);
    expect(late[0]?.kind).toBe('snapshot');
    expect(late.flatMap((m) => (m.kind === 'batch' ? m.deltas : [])).find((d) => d.t === 'book')).toMatchObject({ book: { instrumentId: id, bids: [{ price: 100.5, size: 1 }, { price: 100, size: 2 }] } });
  });

  it('fires a price alert on the engine side with no window connected', async () => {
    const session = await paperSession();
    const saved: (readonly AlertView[])[] = [];
    const host = new EngineHost(session, { scheduler: new ManualScheduler(), saveAlerts: (a) => saved.push(a) });
    const notes: string[] = [];
    host.onDidNotify((n) => notes.push(n.kind));
    const last = session.history().at(-1)?.close ?? 0;
    const r = await host.call('libra:alerts.set', { instrumentId: session.instrument.id, price: Number((last * 1.0001).toFixed(2)) });
    expect(r).toMatchObject({ ok: true, value: { direction: 'above', status: 'active' } });
    for (let i = 0; i < 200 && !notes.includes('alert'); i++) session.release();
    expect(notes).toContain('alert');
    expect(saved.at(-1)?.[0]?.status).toBe('fired');
  });

  it('sends a fresh snapshot instead of a batch when a client falls too far behind', async () => {
    const session = await paperSession();
    const scheduler = new ManualScheduler();
    const host = new EngineHost(session, { scheduler });
    const msgs: StateMessage[] = [];
    host.connect((m) => msgs.push(m), { maxPending: 10 });
    for (let i = 0; i < 20; i++) session.release();
    expect(msgs.filter((m) => m.kind === 'snapshot').length).toBeGreaterThan(1);
    expect(msgs.map((m) => m.seq)).toEqual(msgs.map((_m, i) => i + 1));
  });

  it('panic cancels working orders, flattens and halts trading', async () => {
    const { host, session, id } = await setup();
    await host.call('libra:orders.submit', { instrumentId: id, side: 'BUY', type: 'MARKET', quantity: '0.5' });
    session.release();
    const last = session.history().at(-1)?.close ?? 0;
    await host.call('libra:orders.submit', { instrumentId: id, side: 'BUY', type: 'LIMIT', quantity: '0.1', price: (last * 0.9).toFixed(2) });
    const r = await host.call('libra:trading.panic', {});
    expect(r).toMatchObject({ ok: true, value: { cancelled: 1, flattening: 1 } });
    expect(host.snapshot().risk.tradingState).toBe('HALTED');
    const denied = await host.call('libra:orders.submit', { instrumentId: id, side: 'BUY', type: 'MARKET', quantity: '0.1' });
    expect(denied).toMatchObject({ ok: false, error: { code: 'TRADING_HALTED' } });
  });

  it('amends a working limit order through the gate, and a denied amend leaves the order as it was', async () => {
    const { host, session, id } = await setup();
    session.release();
    const last = session.history().at(-1)?.close ?? 0;
    const placed = await host.call('libra:orders.submit', { instrumentId: id, side: 'BUY', type: 'LIMIT', quantity: '0.1', price: (last * 0.9).toFixed(2) });
    if (!placed.ok) throw new Error(placed.error.message);
    const orderId = (placed.value as { clientOrderId: string }).clientOrderId;
    session.release(); // the venue accepts it
    const price = (last * 0.85).toFixed(2);
    const amended = await host.call('libra:orders.amend', { clientOrderId: orderId, price });
    expect(amended).toMatchObject({ ok: true, value: { clientOrderId: orderId } });
    session.release(); // the venue confirms the new terms
    expect(host.snapshot().orders.find((o) => o.clientOrderId === orderId)?.price).toBe(Number(price));
    // Over the per-order notional cap (50,000): denied with the gate's reason, the order keeps its terms.
    const big = await host.call('libra:orders.amend', { clientOrderId: orderId, quantity: '100' });
    expect(big).toMatchObject({ ok: false, error: { code: 'MAX_NOTIONAL_EXCEEDED' } });
    expect(host.snapshot().orders.find((o) => o.clientOrderId === orderId)).toMatchObject({ quantity: 0.1, price: Number(price), working: true });
    expect(await host.call('libra:orders.amend', { clientOrderId: orderId, price: '1.001' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/precision/) } });
    expect(await host.call('libra:orders.amend', { clientOrderId: orderId, triggerPrice: '100' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/no trigger price/) } });
    expect(await host.call('libra:orders.amend', { clientOrderId: orderId })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await host.call('libra:orders.amend', { clientOrderId: 'P-999', price })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await host.call('libra:trading.pause', { paused: true });
    expect(await host.call('libra:orders.amend', { clientOrderId: orderId, price: (last * 0.8).toFixed(2) })).toMatchObject({ ok: false, error: { code: 'TRADING_HALTED' } });
  });

  it('tells the windows the taker fee the ticket estimates with', async () => {
    const { host } = await setup();
    expect(host.snapshot().instruments[0]?.takerFeeBps).toBe(10);
  });

  describe('with two instruments (BTC/USD and ETH/USD) and coarser timeframes', () => {
    const ETH = 'ETH/USD@COINBASE';
    const history = async (host: EngineHost, req: Record<string, unknown>): Promise<HistoryPage> => {
      const r = await host.call('libra:chart.history', { limit: 5000, ...req });
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value as HistoryPage;
    };

    it('the kernel replays every entry of the bundled sample index (BTC/USD and ETH/USD), or the symbols asked for', async () => {
      const kernel = new Kernel({ dataDir: '/nonexistent' });
      const all = await kernel.startPaperReplay({ time: { now: () => 0, schedule: () => () => undefined } });
      expect(all.instruments.map((i) => i.id)).toEqual(['BTC/USD@COINBASE', ETH]);
      expect(all.timeframe).toBe('4h');
      // 300 warm-up steps (bar times of either instrument; ETH starts 4 h earlier, both have gaps).
      expect(all.history().length).toBeGreaterThan(250);
      expect(all.history(ETH).length).toBeGreaterThan(250);
      expect(all.history().at(-1)?.openTime).toBe(all.history(ETH).at(-1)?.openTime);
      expect(all.node.clock.now()).toBe(all.history().at(-1)?.ts);
      const one = await kernel.startPaperReplay({ time: { now: () => 0, schedule: () => () => undefined }, symbols: ['eth/usd'] });
      expect(one.instruments.map((i) => i.symbol)).toEqual(['ETH/USD']);
    });

    it('snapshots every instrument with a quote (last, 24h change) and the chart timeframes', async () => {
      const { host, session } = await setup();
      const snap = host.snapshot();
      expect(snap.instruments.map((i) => i.symbol)).toEqual(['BTC/USD', 'ETH/USD']);
      expect(snap.timeframes).toEqual(['4h', '12h', '1d']);
      const eth = snap.quotes.find((q) => q.instrumentId === ETH);
      const ethBars = session.history(ETH);
      const last = ethBars.at(-1);
      expect(eth).toMatchObject({ symbol: 'ETH/USD', last: last?.close, ts: last?.ts });
      // The reference is the close of the bar that opened 24 h (6 bars) earlier.
      const ref = session.historyBefore((last?.openTime ?? 0) - 86_400_000 + 1, 1, ETH)[0];
      expect(eth?.reference).toBe(ref?.close);
      expect(eth?.changePct).toBeCloseTo((((last?.close ?? 0) - (ref?.close ?? 0)) / (ref?.close ?? 1)) * 100, 9);
      expect(snap.quotes.find((q) => q.symbol === 'BTC/USD')?.last).toBe(session.history().at(-1)?.close);
    });

    it('serves history per symbol and timeframe; resampled bars aggregate the released 4h bars', async () => {
      const { host, session } = await setup();
      const eth4h = await history(host, { instrumentId: ETH, timeframe: '4h', indicators: [] });
      expect(eth4h.bars.map((b) => b.close)).toEqual(session.history(ETH).map((b) => b.close));
      const daily = await history(host, { instrumentId: ETH, timeframe: '1d', indicators: ['sma:5'] });
      expect(daily.timeframe).toBe('1d');
      const closedDays = daily.bars.filter((b) => b.closed !== false);
      expect(closedDays.length).toBeGreaterThan(40);
      for (const day of closedDays.slice(-5)) {
        const parts = session.history(ETH).filter((b) => b.openTime >= day.time && b.openTime < day.time + 86_400_000);
        expect(day.time % 86_400_000).toBe(0);
        expect(day).toMatchObject({
          open: parts[0]?.open,
          close: parts.at(-1)?.close,
          high: Math.max(...parts.map((b) => b.high)),
          low: Math.min(...parts.map((b) => b.low)),
        });
        expect(day.volume).toBeCloseTo(parts.reduce((a, b) => a + b.volume, 0), 6);
      }
      const last5 = closedDays.slice(-5);
      expect(last5.at(-1)?.indicators['sma:5']).toBeCloseTo(last5.reduce((a, b) => a + b.close, 0) / 5, 8);
      expect(await host.call('libra:chart.history', { instrumentId: ETH, timeframe: '2h', limit: 10 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      const unknown = await host.call('libra:chart.history', { instrumentId: 'SOL/USD@COINBASE', timeframe: '4h', limit: 10 });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(unknown.ok ? '' : unknown.error.message).toContain('BTC/USD, ETH/USD');
    });

    it('streams a forming coarser bar as updates of the same bar (no indicator values) until its last 4h bar closes it', async () => {
      const { host, session, scheduler, deltas } = await setup();
      // Move to the start of a UTC day for ETH, then release one day of 4h bars.
      while (((session.history(ETH).at(-1)?.ts ?? 0) % 86_400_000) !== 0) session.release();
      scheduler.advance(17);
      const seen = deltas().length;
      const days: BarView[] = [];
      for (let i = 0; i < 6; i++) {
        session.release();
        scheduler.advance(17);
        const d = deltas().slice(seen).flatMap((x) => (x.t === 'bar' && x.bar.instrumentId === ETH && x.bar.timeframe === '1d' ? [x.bar] : []));
        days.push(d.at(-1) as BarView);
      }
      expect(new Set(days.map((b) => b.time)).size).toBe(1);
      expect(days.slice(0, 5).every((b) => b.closed === false && b.indicators['sma:20'] === null)).toBe(true);
      expect(days[5]?.closed).toBeUndefined();
      expect(days[5]?.indicators['sma:20']).toEqual(expect.any(Number));
      const page = await history(host, { instrumentId: ETH, timeframe: '1d' });
      expect(page.bars.at(-1)).toMatchObject({ time: days[5]?.time, close: days[5]?.close });
      session.release();
      const forming = (await history(host, { instrumentId: ETH, timeframe: '1d' })).bars.at(-1);
      expect(forming).toMatchObject({ closed: false, time: (days[5]?.time ?? 0) + 86_400_000, close: session.history(ETH).at(-1)?.close });
    });

    it('starts a strategy on ETH/USD (the first instrument by default) and refuses an unknown one', async () => {
      const { host, session } = await setup();
      const eth = await host.call('libra:strategies.start', { strategy: 'sma-cross', params: { fast: '3', slow: '5' }, instrumentId: ETH });
      expect(eth).toMatchObject({ ok: true, value: { instrumentId: ETH, timeframe: '4h', state: 'running' } });
      const btc = await host.call('libra:strategies.start', { strategy: 'sma-cross', params: { fast: '3', slow: '5' } });
      expect(btc).toMatchObject({ ok: true, value: { instrumentId: session.instrument.id } });
      for (let i = 0; i < 60; i++) session.release();
      const list = await host.call('libra:strategies.list', {});
      const views = (list.ok ? list.value : []) as { instrumentId: string; orders: number }[];
      expect(views.map((v) => v.instrumentId)).toEqual([ETH, session.instrument.id]);
      const ethOrders = session.node.cache.allOrders().filter((o) => o.strategyId === 'sma-cross-1');
      expect(ethOrders.every((o) => o.instrumentId === ETH)).toBe(true);
      expect(await host.call('libra:strategies.start', { strategy: 'sma-cross', params: {}, instrumentId: 'SOL/USD@COINBASE' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      host.dispose();
    });

    it('fills a paper order on ETH/USD and sets alerts per symbol', async () => {
      const { host, session, scheduler, deltas } = await setup();
      const r = await host.call('libra:orders.submit', { instrumentId: ETH, side: 'BUY', type: 'MARKET', quantity: '2' });
      expect(r.ok).toBe(true);
      session.release();
      session.release();
      scheduler.advance(17);
      expect(deltas().some((x) => x.t === 'fill' && x.fill.instrumentId === ETH && x.fill.quantity === 2)).toBe(true);
      expect(host.snapshot().positions.find((p) => p.instrumentId === ETH)).toMatchObject({ symbol: 'ETH/USD', quantity: 2 });
      const ethLast = session.history(ETH).at(-1)?.close ?? 0;
      const alert = await host.call('libra:alerts.set', { instrumentId: ETH, price: Number((ethLast * 0.5).toFixed(2)) });
      expect(alert).toMatchObject({ ok: true, value: { symbol: 'ETH/USD', instrumentId: ETH, direction: 'below' } });
    });
  });
});

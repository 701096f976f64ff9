import { describe, expect, it } from 'vitest';
import type { Delta, StateMessage } from '../../shared/ipc/state-stream';
import type { AlertView, HistoryPage, Snapshot } from '../../shared/ipc/views';
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
    expect(batch.deltas.filter((d) => d.t === 'bar')).toHaveLength(50);
    expect(batch.deltas.filter((d) => d.t === 'quote')).toHaveLength(1);
    session.release();
    scheduler.advance(5);
    expect(msgs).toHaveLength(2); // the next batch waits for the frame
    scheduler.advance(11);
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
    scheduler.advance(16);
    const d = deltas();
    expect(d.some((x) => x.t === 'fill' && x.fill.quantity === 0.5)).toBe(true);
    const orders = d.filter((x): x is Extract<Delta, { t: 'order' }> => x.t === 'order');
    expect(orders.at(-1)?.order.status).toBe('FILLED');
    const pos = d.filter((x): x is Extract<Delta, { t: 'position' }> => x.t === 'position').at(-1)?.position;
    expect(pos?.quantity).toBe(0.5);
    expect(pos?.unrealized).toBeCloseTo(((pos?.mark ?? 0) - (pos?.avgEntry ?? 0)) * 0.5, 6);
  });

  it('answers a risk denial with its reason and streams it to the risk panel', async () => {
    const { host, scheduler, deltas, id } = await setup();
    const r = await host.call('libra:orders.submit', { instrumentId: id, side: 'BUY', type: 'MARKET', quantity: '1000' });
    expect(r).toMatchObject({ ok: false, error: { code: 'MAX_NOTIONAL_EXCEEDED' } });
    expect(r.ok ? '' : r.error.message).not.toMatch(/^MAX_NOTIONAL_EXCEEDED/);
    scheduler.advance(16);
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
});

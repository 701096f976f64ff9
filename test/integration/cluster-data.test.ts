/**
 * Market data between nodes over a real redis-server: a data node's bus → `<prefix>:md` (bounded,
 * XADD MAXLEN ~, up to ENTRY_MESSAGES messages an entry) → another node's bus; under back-pressure only market data is shed and every
 * drop is counted (publisher: shed; reader: gaps of messages it never got; refused entries).
 */
import { describe, expect, it } from 'vitest';
import { ENTRY_MESSAGES, MarketDataPublisher, MarketDataSubscriber, encodeMd, mdStream } from '../../src/main/cluster/market-data';
import { MessageBus } from '../../src/main/engine/bus/message-bus';
import { Topics } from '../../src/main/engine/bus/topics';
import type { TradeTick } from '../../src/shared/messages/market-data';
import { redisForSuite } from '../support/redis-suite';
import { until } from '../support/until';

const { conn } = redisForSuite();

const trade = (i: number): TradeTick => ({ instrumentId: 'BTC/USDT@BINANCE', ts: 1_700_000_000_000 + i, price: 30_000 + i / 100, size: 0.01, side: 'BUY', tradeId: `t${i}` });

function pair(prefix: string, o: { maxQueue?: number; maxLen?: number } = {}) {
  const a = new MessageBus();
  const b = new MessageBus();
  const warnings: string[] = [];
  const pub = new MarketDataPublisher({ redis: conn(), prefix, node: 'd1', warn: (l) => warnings.push(l), ...o });
  pub.attach(a);
  const got: TradeTick[] = [];
  b.subscribe(Topics.trades('BTC/USDT@BINANCE'), (t) => got.push(t));
  const sub = new MarketDataSubscriber({ redis: conn(), prefix, deliver: (e) => b.publish(e.topic, e.payload), warn: (l) => warnings.push(l) });
  return { a, b, pub, sub, got, warnings };
}

describe('market data over Redis (data role)', () => {
  it('relays the data node bus to another node bus in order, on the same topics', async () => {
    const { a, pub, sub, got } = pair('md1');
    await sub.start();
    for (let i = 1; i <= 2_000; i++) a.publish(Topics.trades('BTC/USDT@BINANCE'), trade(i));
    await until(() => got.length === 2_000, 10_000, 'all 2000 trades');
    expect(got).toEqual(Array.from({ length: 2_000 }, (_, i) => trade(i + 1)));
    expect(pub.stats()).toEqual({ sent: 2_000, dropped: 0 });
    expect(sub.stats()).toMatchObject({ received: 2_000, gaps: 0, refused: 0 });
    await sub.stop();
    pub.stop();
  });

  it('sheds only what cannot be queued while Redis stalls, counts every drop, and delivers the rest', async () => {
    const { a, pub, sub, got } = pair('md2', { maxQueue: 100 });
    await sub.start();
    const admin = conn();
    await admin.client('PAUSE', 1_000, 'WRITE'); // every XADD waits a second: back-pressure
    for (let i = 1; i <= 5_000; i++) a.publish(Topics.trades('BTC/USDT@BINANCE'), trade(i));
    expect(pub.dropped).toBeGreaterThanOrEqual(4_000);
    await until(() => pub.sent + pub.dropped === 5_000, 10_000, 'the queue to drain');
    await until(() => got.length === pub.sent, 10_000, 'the sent trades to arrive');
    expect(pub.sent).toBeGreaterThan(0);
    // What was delivered is in order and complete up to the shed point: the first `sent` trades.
    expect(got.map((t) => t.tradeId)).toEqual(Array.from({ length: pub.sent }, (_, i) => `t${i + 1}`));
    expect(sub.stats().gaps).toBe(0);
    await sub.stop();
    pub.stop();
  });

  it('counts as gaps what a reader never got because the bounded stream was trimmed while it was away', async () => {
    const admin = conn();
    await admin.config('SET', 'stream-node-max-entries', '10'); // so MAXLEN ~ 50 trims close to 50
    try {
      const { a, pub, sub, got } = pair('md3', { maxLen: 50 });
      await sub.start();
      for (let i = 1; i <= 10; i++) a.publish(Topics.trades('BTC/USDT@BINANCE'), trade(i));
      await until(() => got.length === 10, 10_000, 'the first 10 trades');
      await sub.stop();
      for (let i = 11; i <= 2_010; i++) a.publish(Topics.trades('BTC/USDT@BINANCE'), trade(i));
      await until(() => pub.sent === 2_010, 10_000, 'all sent');
      expect(await admin.xlen(mdStream('md3'))).toBeLessThan(100);
      await sub.start(); // goes on from where it was
      await until(() => got.at(-1)?.tradeId === 't2010', 10_000, 'the newest trade');
      const s = sub.stats();
      // The stream keeps whole entries (up to ENTRY_MESSAGES messages each): maxLen 50 rounds up to one.
      expect(s.gaps).toBeGreaterThanOrEqual(2_000 - 2 * ENTRY_MESSAGES);
      expect(s.received + s.gaps).toBe(2_010);
      await sub.stop();
      pub.stop();
    } finally {
      await admin.config('SET', 'stream-node-max-entries', '100');
    }
  });

  it('refuses a malformed entry (counted, named without its contents) and goes on', async () => {
    const { a, pub, sub, got, warnings } = pair('md4');
    await sub.start();
    const admin = conn();
    await admin.xadd(mdStream('md4'), '*', 'm', JSON.stringify({ v: 1, n: 'd1', s: 1, p: 1, t: 'data.trades.BINANCE.BTC/USDT', d: { instrumentId: 'x', secret: 'hunter2' } }));
    await admin.xadd(mdStream('md4'), '*', 'm', 'not json hunter2');
    a.publish(Topics.trades('BTC/USDT@BINANCE'), trade(1));
    await until(() => got.length === 1, 10_000, 'the good trade');
    expect(sub.stats().refused).toBe(2);
    expect(warnings.join('\n')).toMatch(/market data trades rejected: \(root\)|market data trades rejected: \w+/);
    expect(warnings.join('\n')).toMatch(/market data entry is not JSON/);
    expect(warnings.join('\n')).not.toMatch(/hunter2/);
    await sub.stop();
    pub.stop();
  });

  it('refuses a malformed message inside an entry (counted) and delivers the others of it', async () => {
    const { sub, got, warnings } = pair('md5');
    await sub.start();
    const admin = conn();
    const t = 'data.trades.BINANCE.BTC/USDT';
    const bad = JSON.stringify({ v: 1, n: 'd1', s: 2, p: 1, t, d: { ...trade(2), price: 'hunter2' } });
    await admin.xadd(mdStream('md5'), '*', 'm', `[${encodeMd('d1', 1, 1, t, trade(1))},${bad},${encodeMd('d1', 3, 1, t, trade(3))}]`);
    await admin.xadd(mdStream('md5'), '*', 'm', '[]');
    await admin.xadd(mdStream('md5'), '*', 'm', encodeMd('d1', 4, 1, t, trade(4)));
    await until(() => got.length === 3, 10_000, 'the good trades');
    expect(got.map((x) => x.tradeId)).toEqual(['t1', 't3', 't4']);
    // Refused and never got: its sequence number is a gap too (the empty entry carried none).
    expect(sub.stats()).toMatchObject({ received: 3, refused: 2, gaps: 1 });
    expect(warnings.join('\n')).toMatch(/market data trades rejected: price/);
    expect(warnings.join('\n')).toMatch(/market data entry has no messages/);
    expect(warnings.join('\n')).not.toMatch(/hunter2/);
    await sub.stop();
  });
});

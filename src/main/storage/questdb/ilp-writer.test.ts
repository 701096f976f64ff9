/**
 * The ILP writer, driven through the real @questdb/nodejs-client against the loopback receiver:
 * every line is parsed and checked (table, symbols, typed fields, timestamp precision) for both
 * protocol versions the client negotiates.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bar, trade } from '../contract';
import { StoreInputError } from '../store';
import type { IlpReceiver } from './ilp-receiver';
import { parseIlp, startIlpReceiver } from './ilp-receiver';
import { IlpWriter } from './ilp-writer';

const T0 = Date.UTC(2024, 0, 1);
let rx: IlpReceiver | undefined;
let w: IlpWriter | undefined;
afterEach(async () => {
  await w?.close();
  await rx?.close();
  w = undefined;
  rx = undefined;
});

describe('ILP writer', () => {
  for (const version of [1, 2] as const) {
    it(`sends trades, bars and signals the receiver parses exactly (protocol v${version})`, async () => {
      rx = await startIlpReceiver({ protocolVersions: [version] });
      w = await IlpWriter.connect(`http::addr=127.0.0.1:${rx.port};auto_flush_rows=2;`, 't_');
      await w.writeTrades('binance', 'BTC/USDT', [trade(T0 + 1, 42_000.5, '77'), { ...trade(T0 + 2, 0.1, 'x y,z="q"'), side: 'SELL' }]);
      await w.writeBars('BINANCE', 'BTC/USDT', 60_000, [bar(T0, 100.25)]);
      await w.writeSignals([{ ts: T0 + 3, venue: 'BINANCE', symbol: 'BTC/USDT', strategyId: 'ema cross', name: 'entry', value: -1.5 }]);
      expect(rx.stats()).toMatchObject({ requests: 3, rows: 4, errors: [] });
      expect(rx.stats().paths.every((p) => p.startsWith('/write'))).toBe(true);
      const [t1, t2, b, s] = rx.rows;
      expect(t1).toEqual({
        table: 't_trades',
        symbols: { venue: 'BINANCE', symbol: 'BTC/USDT', side: 'BUY' },
        fields: { trade_no: { type: 'int', value: 77n }, trade_id: { type: 'string', value: '77' }, price: { type: 'float', value: 42_000.5 }, size: { type: 'float', value: 1 } },
        timestampNs: BigInt(T0 + 1) * 1_000_000n,
        // v1 sends the designated timestamp in bare ns, v2 in µs with a `t` suffix
        timestampSuffix: version === 1 ? '' : 't',
      });
      expect(t2?.fields.trade_id).toEqual({ type: 'string', value: 'x y,z="q"' });
      expect(t2?.symbols.side).toBe('SELL');
      expect(b?.table).toBe('t_bars');
      expect(b?.fields).toEqual({
        timeframe_ms: { type: 'int', value: 60_000n },
        open_time: { type: 'timestamp', value: BigInt(T0) * 1000n, unit: 'us' },
        open: { type: 'float', value: 99.25 },
        high: { type: 'float', value: 102.25 },
        low: { type: 'float', value: 97.25 },
        close: { type: 'float', value: 100.25 },
        volume: { type: 'float', value: 10 },
      });
      expect(b?.timestampNs).toBe(BigInt(T0 + 60_000) * 1_000_000n);
      expect(s?.symbols).toEqual({ strategy_id: 'ema cross', name: 'entry', venue: 'BINANCE', symbol: 'BTC/USDT' });
    });
  }

  it('refuses a bad batch before sending anything', async () => {
    rx = await startIlpReceiver();
    w = await IlpWriter.connect(`http::addr=127.0.0.1:${rx.port}`);
    await expect(w.writeTrades('BINANCE', 'BTC/USDT', [trade(T0, 1, '1'), trade(T0, Number.POSITIVE_INFINITY, '2')])).rejects.toThrow(StoreInputError);
    await w.writeTrades('BINANCE', 'BTC/USDT', [trade(T0, 1, '3')]);
    expect(rx.stats().rows).toBe(1);
    expect(rx.rows[0]?.fields.trade_id).toEqual({ type: 'string', value: '3' });
  });

  it('the receiver rejects malformed lines', () => {
    expect(() => parseIlp(Buffer.from('trades,venue=X price=1.5 123\n'))).not.toThrow();
    expect(() => parseIlp(Buffer.from('trades,venue=X price=abc 123\n'))).toThrow(/bad field value/);
    expect(() => parseIlp(Buffer.from('trades,venue=X price=1.5 123'))).toThrow(/not terminated/);
    expect(() => parseIlp(Buffer.from('trades,venue price=1.5\n'))).toThrow(/tag without/);
  });
});

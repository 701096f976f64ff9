/**
 * The ILP writer, driven through the real @questdb/nodejs-client against the loopback receiver:
 * every line is parsed and checked (table, symbols, typed fields, timestamp precision) for both
 * protocol versions the client negotiates.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sender } from '@questdb/nodejs-client';
import { afterEach, describe, expect, it } from 'vitest';
import { bar, trade } from '../contract';
import { StoreInputError } from '../store';
import type { IlpReceiver } from './ilp-receiver';
import { parseIlp, startIlpReceiver } from './ilp-receiver';
import { IlpBuffer, IlpWriter, parseIlpConfig } from './ilp-writer';

/** A loopback HTTP server that keeps every raw /write body and answers `status()` (204 by default). */
async function rawServer(versions: readonly number[], status: () => number = () => 204): Promise<{ port: number; bodies: Buffer[]; maxInFlight: () => number; close: () => Promise<void> }> {
  const bodies: Buffer[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const srv = createServer((req, res) => {
    if (req.url === '/settings') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ config: { 'line.proto.support.versions': versions } }));
      return;
    }
    const parts: Buffer[] = [];
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      inFlight--;
      bodies.push(Buffer.concat(parts));
      const s = status();
      res.statusCode = s;
      res.end(s === 204 ? undefined : JSON.stringify({ code: 'invalid', message: `refused with ${s}` }));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as AddressInfo).port, bodies, maxInFlight: () => maxInFlight, close: () => new Promise((r) => srv.close(() => r())) };
}

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
        fields: { trade_no: { type: 'int', value: 77n }, price: { type: 'float', value: 42_000.5 }, size: { type: 'float', value: 1 } },
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
    expect(rx.rows[0]?.fields.trade_no).toEqual({ type: 'int', value: 3n });
  });

  it('the receiver rejects malformed lines', () => {
    expect(() => parseIlp(Buffer.from('trades,venue=X price=1.5 123\n'))).not.toThrow();
    expect(() => parseIlp(Buffer.from('trades,venue=X price=abc 123\n'))).toThrow(/bad field value/);
    expect(() => parseIlp(Buffer.from('trades,venue=X price=1.5 123'))).toThrow(/not terminated/);
    expect(() => parseIlp(Buffer.from('trades,venue price=1.5\n'))).toThrow(/tag without/);
  });

  for (const version of [1, 2] as const) {
    it(`writes the same bytes as @questdb/nodejs-client for the same rows (protocol v${version})`, async () => {
      const srv = await rawServer([version]);
      try {
        const odd = ['7', 'x y,z="q"', 'back\\slash', 'new\nline\rcr', 'é€😀', 'a=b'];
        const trades = odd.map((id, i) => ({ ...trade(T0 + i, 42_000.5 + i / 3, id), ...(i % 2 ? { side: 'SELL' as const } : {}) }));
        const bars = [bar(T0, 100.25), bar(T0 + 60_000, 1e-7), bar(T0 + 120_000, 123456789.123)];
        const official = await Sender.fromConfig(`http::addr=127.0.0.1:${srv.port};auto_flush=off;`);
        for (const t of trades) {
          official.table('t_trades').symbol('venue', 'BINANCE').symbol('symbol', 'BTC/USDT');
          if (t.side) official.symbol('side', t.side);
          // a canonical integer id goes in trade_no alone, any other in trade_id (trade_no -1)
          const numeric = /^(0|[1-9]\d*)$/.test(t.tradeId);
          official.intColumn('trade_no', numeric ? Number(t.tradeId) : -1);
          if (!numeric) official.stringColumn('trade_id', t.tradeId);
          official.floatColumn('price', t.price).floatColumn('size', t.size);
          await official.at(t.ts, 'ms');
        }
        await official.flush();
        for (const b of bars) {
          official.table('t_bars').symbol('venue', 'BINANCE').symbol('symbol', 'BTC/USDT').intColumn('timeframe_ms', 60_000).timestampColumn('open_time', b.openTime, 'ms');
          official.floatColumn('open', b.open).floatColumn('high', b.high).floatColumn('low', b.low).floatColumn('close', b.close).floatColumn('volume', b.volume);
          await official.at(b.ts, 'ms');
        }
        await official.flush();
        official.table('t_orders').symbol('tag', 'v é,=x').stringColumn('spec', '{"k":"v\\n"}').intColumn('n', -3).booleanColumn('ok', true).floatColumn('f', -0.5);
        await official.at(T0, 'ms');
        await official.flush();
        await official.close();
        w = await IlpWriter.connect(`http::addr=127.0.0.1:${srv.port};`, 't_');
        expect(w.protocolVersion).toBe(version);
        await w.writeTrades('BINANCE', 'BTC/USDT', trades);
        await w.writeBars('BINANCE', 'BTC/USDT', 60_000, bars);
        await w.writeRows('orders', [{ symbols: { tag: 'v é,=x' }, fields: { spec: '{"k":"v\\n"}', n: { int: -3 }, ok: true, f: -0.5 }, tsMs: T0 }]);
        expect(srv.bodies.length).toBe(6);
        for (let i = 0; i < 3; i++) expect(srv.bodies[i + 3]!.toString('latin1')).toBe(srv.bodies[i]!.toString('latin1'));
      } finally {
        await srv.close();
      }
    });
  }

  it('re-sends a batch the server answered with a retryable status, and fails at once on a bad request', async () => {
    const answers = [503, 500, 204, 400];
    const srv = await rawServer([2], () => answers.shift() ?? 204);
    try {
      w = await IlpWriter.connect(`http::addr=127.0.0.1:${srv.port};retry_timeout=5000;`);
      await w.writeTrades('BINANCE', 'BTC/USDT', [trade(T0, 1, '1')]);
      expect(srv.bodies.length).toBe(3);
      expect(new Set(srv.bodies.map((b) => b.toString('latin1'))).size).toBe(1);
      await expect(w.writeTrades('BINANCE', 'BTC/USDT', [trade(T0, 2, '2')])).rejects.toThrow(/HTTP 400: refused with 400/);
      // nothing of the failed batch stays buffered: the next request holds only the next row
      await w.writeTrades('BINANCE', 'BTC/USDT', [trade(T0, 3, '3')]);
      expect(parseIlp(srv.bodies[srv.bodies.length - 1]!).map((r) => r.fields.trade_no)).toEqual([{ type: 'int', value: 3n }]);
    } finally {
      await srv.close();
    }
  });

  it('streams a large batch as ONE chunked request while encoding it, and re-sends it whole after a retryable answer', async () => {
    const answers = [503, 204];
    const srv = await rawServer([2], () => answers.shift() ?? 204);
    try {
      w = await IlpWriter.connect(`http::addr=127.0.0.1:${srv.port};retry_timeout=5000;`, 't_');
      const many = Array.from({ length: 30_001 }, (_, i) => ({ ...trade(T0 + Math.floor(i / 3), 100 + i / 7, i % 5 ? String(i) : `id-${i}`), ...(i % 2 ? { side: 'SELL' as const } : {}) }));
      await w.writeTrades('BINANCE', 'BTC/USDT', many);
      // the streamed attempt (answered 503) and the whole-body retry carry the same bytes
      expect(srv.bodies.length).toBe(2);
      expect(srv.bodies[1]!.equals(srv.bodies[0]!)).toBe(true);
      expect(srv.bodies[0]!.subarray(-1).toString()).toBe('\n');
      const rows = parseIlp(srv.bodies[0]!);
      expect(rows.length).toBe(30_001);
      expect(rows.map((r) => (r.fields.trade_no?.value === -1n ? r.fields.trade_id?.value : String(r.fields.trade_no?.value)))).toEqual(many.map((t) => t.tradeId));
      expect(rows.every((r, i) => r.timestampNs === BigInt(many[i]!.ts) * 1_000_000n && r.fields.price?.value === many[i]!.price)).toBe(true);
    } finally {
      await srv.close();
    }
  });

  it('sends ≥ 40 k trades as two requests at once split between two milliseconds, each with its own batch row; a refused part fails the call', async () => {
    const answers = [503, 204, 204];
    const srv = await rawServer([2], () => answers.shift() ?? 204);
    try {
      w = await IlpWriter.connect(`http::addr=127.0.0.1:${srv.port};retry_timeout=5000;`, 't_');
      // 3 trades per ms: the middle row (22 500) is not the first of its ms
      const many = Array.from({ length: 45_001 }, (_, i) => ({ ...trade(T0 + Math.floor(i / 3), 100 + i / 7, i % 5 ? String(i) : `id-${i}`), ...(i % 2 ? { side: 'SELL' as const } : {}) }));
      await w.writeTrades('BINANCE', 'BTC/USDT', many, { mixed: false });
      expect(srv.maxInFlight()).toBe(2);
      // two parts, the first answered (503) re-sent whole
      expect(srv.bodies.length).toBe(3);
      expect(srv.bodies.slice(0, 2).some((b) => b.equals(srv.bodies[2]!))).toBe(true);
      const parts = srv.bodies.slice(0, 2).map((b) => parseIlp(b));
      parts.sort((a, b) => Number((a[0]!.timestampNs ?? 0n) - (b[0]!.timestampNs ?? 0n)));
      const trades = parts.flatMap((p) => p.filter((r) => r.table === 't_trades'));
      expect(trades.map((r) => (r.fields.trade_no?.value === -1n ? r.fields.trade_id?.value : String(r.fields.trade_no?.value)))).toEqual(many.map((t) => t.tradeId));
      expect(trades.every((r, i) => r.timestampNs === BigInt(many[i]!.ts) * 1_000_000n && r.fields.price?.value === many[i]!.price)).toBe(true);
      const ms = (ns: bigint | undefined): number => Number((ns ?? -1n) / 1_000_000n);
      for (const p of parts) {
        // each part ends with its own trade_batches row: its first and last trade ms
        const own = p.filter((r) => r.table === 't_trades');
        const mark = p[p.length - 1]!;
        expect(p.filter((r) => r.table === 't_trade_batches')).toEqual([mark]);
        expect(ms(mark.timestampNs)).toBe(ms(own[0]!.timestampNs));
        expect(mark.fields.last_ts).toEqual({ type: 'timestamp', value: own[own.length - 1]!.timestampNs! / 1000n, unit: 'us' });
        expect(mark.fields.mixed).toEqual({ type: 'bool', value: false });
      }
      // no millisecond in both parts, and they are about halves
      const [a, b] = parts.map((p) => p.filter((r) => r.table === 't_trades'));
      expect(ms(a![a!.length - 1]!.timestampNs)).toBeLessThan(ms(b![0]!.timestampNs));
      expect(Math.abs(a!.length - b!.length)).toBeLessThan(4);
      // a part refused: the call rejects once both have been answered, and nothing stays buffered
      answers.push(400, 204);
      await expect(w.writeTrades('BINANCE', 'BTC/USDT', many, { mixed: false })).rejects.toThrow(/HTTP 400: refused with 400/);
      expect(srv.bodies.length).toBe(5);
      await w.writeTrades('BINANCE', 'BTC/USDT', [trade(T0, 3, '3')]);
      expect(parseIlp(srv.bodies[5]!).map((r) => r.fields.trade_no)).toEqual([{ type: 'int', value: 3n }]);
    } finally {
      await srv.close();
    }
  });

  it("writes the as-of scratch rows as (ts, idx = position, venue, symbol)", async () => {
    rx = await startIlpReceiver({ protocolVersions: [2] });
    w = await IlpWriter.connect(`http::addr=127.0.0.1:${rx.port};`, 't_');
    await w.writeAsofSignals('asof_x', [{ ts: T0, venue: 'BINANCE', symbol: 'BTC/USDT' }, { ts: T0 + 5, venue: 'KRAKEN', symbol: 'ETH USD' }, { ts: T0 + 5, venue: 'BINANCE', symbol: 'BTC/USDT' }]);
    expect(rx.rows.map((r) => [r.table, r.symbols, r.fields.idx, r.timestampNs])).toEqual([
      ['t_asof_x', { venue: 'BINANCE', symbol: 'BTC/USDT' }, { type: 'int', value: 0n }, BigInt(T0) * 1_000_000n],
      ['t_asof_x', { venue: 'KRAKEN', symbol: 'ETH USD' }, { type: 'int', value: 1n }, BigInt(T0 + 5) * 1_000_000n],
      ['t_asof_x', { venue: 'BINANCE', symbol: 'BTC/USDT' }, { type: 'int', value: 2n }, BigInt(T0 + 5) * 1_000_000n],
    ]);
  });

  it('writes integer digits in place exactly as String() does, padding the low half', () => {
    const b = new IlpBuffer(64, 2);
    const values = [0, 7, 10, 99_999_999, 100_000_000, 100_000_007, 1_200_000_034, 1_704_067_200_017_000, Number.MAX_SAFE_INTEGER, -1, -42];
    for (let i = 0; i < 2000; i++) values.push(Math.floor((i * 7_919 * Number.MAX_SAFE_INTEGER) / 10 ** (i % 16) / 15_838_000) % Number.MAX_SAFE_INTEGER);
    for (const v of values) {
      b.reset();
      b.int(v);
      expect(b.bytes().toString('latin1'), String(v)).toBe(String(v));
    }
  });

  it('writes a whole v2 trade line in one call with the same bytes as the per-field calls', () => {
    const head = Buffer.from('t,venue=X,side=BUY trade_no=', 'latin1');
    const one = new IlpBuffer(64, 2);
    const fields = new IlpBuffer(64, 2);
    for (const [no, price, size, ms] of [[0, 1.5, 0, 0], [7, -0.1, 1e-300, 1], [99_999_999, 42_000.5, 3, T0 + 17], [100_000_000, Number.MAX_VALUE, 0.001, T0], [Number.MAX_SAFE_INTEGER, 5e-324, 7, 8_640_000_000_000_000 / 1000]] as const) {
      fields.raw(head);
      fields.long(no);
      fields.raw(Buffer.from(',price='));
      fields.double(price);
      fields.raw(Buffer.from(',size='));
      fields.double(size);
      fields.at(ms);
      one.tradeLineV2(head, no, price, size, ms);
    }
    expect(one.bytes().equals(fields.bytes())).toBe(true);
    expect(one.pos).toBeGreaterThan(64); // it grew on the way
  });

  it('refuses config strings it does not understand, naming the key', () => {
    expect(parseIlpConfig('http::addr=h:9001;retry_timeout=5;')).toMatchObject({ host: 'h', port: 9001, retryTimeoutMs: 5, protocolVersion: 'auto' });
    expect(() => parseIlpConfig('tcp::addr=h:9009;')).toThrow(/http:: or https::/);
    expect(() => parseIlpConfig('http::retry_timeout=5;')).toThrow(/needs addr/);
    expect(() => parseIlpConfig('http::addr=h:9000;retry_timeout=-1;')).toThrow(/retry_timeout must be a non-negative integer/);
    expect(() => parseIlpConfig('http::addr=h:9000;bogus=1;')).toThrow(/"bogus" is not supported/);
    expect(() => parseIlpConfig('http::addr=h:9000;username=u;')).toThrow(/both username and password/);
  });
});

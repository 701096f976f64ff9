/**
 * ILP encoding + sending, LIBRA's writer vs @questdb/nodejs-client, into a do-nothing loopback
 * HTTP server (answers /settings with protocol v1+v2, 204 to every /write): what the client side
 * costs per row, without QuestDB's own ingest. Prints ONE JSON object. `npm run bench -- ilp`.
 * 100 k trades per request, 10 requests per run, 3 runs each alternated; medians.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { Sender } from '@questdb/nodejs-client';
import type { TradeTick } from '../src/shared/messages/market-data';
import { IlpWriter } from '../src/main/storage/questdb/ilp-writer';

const srv = createServer((req, res) => {
  if (req.url === '/settings') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ config: { 'line.proto.support.versions': [1, 2] } }));
    return;
  }
  req.on('data', () => undefined);
  req.on('end', () => {
    res.statusCode = 204;
    res.end();
  });
});
await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
const port = (srv.address() as AddressInfo).port;
const T0 = Date.UTC(2024, 0, 1);
const ROWS = 100_000;
const REQS = 10;
const batch: TradeTick[] = Array.from({ length: ROWS }, (_, i) => ({ instrumentId: 'BTC/USDT@BINANCE', ts: T0 + i, price: 40_000 + (i % 100) / 7, size: 0.01 + (i % 13) / 1000, tradeId: String(i), side: i % 2 ? 'BUY' : 'SELL' }));
const median = (v: readonly number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const rate = (ms: number): number => Math.round(((ROWS * REQS) / ms) * 1000);

const libra = await IlpWriter.connect(`http::addr=127.0.0.1:${port};`);
const official = await Sender.fromConfig(`http::addr=127.0.0.1:${port};auto_flush=off;init_buf_size=16777216;`);
const runs: Record<'libra' | 'official', number[]> = { libra: [], official: [] };
const loadStart = loadavg()[0]!;
for (let r = 0; r < 3; r++) {
  let t = performance.now();
  for (let k = 0; k < REQS; k++) await libra.writeTrades('BINANCE', 'BTC/USDT', batch);
  runs.libra.push(rate(performance.now() - t));
  t = performance.now();
  for (let k = 0; k < REQS; k++) {
    for (const x of batch) {
      official.table('trades').symbol('venue', 'BINANCE').symbol('symbol', 'BTC/USDT').symbol('side', x.side ?? 'BUY');
      official.intColumn('trade_no', Number(x.tradeId)).stringColumn('trade_id', x.tradeId).floatColumn('price', x.price).floatColumn('size', x.size);
      await official.at(x.ts, 'ms');
    }
    await official.flush();
  }
  runs.official.push(rate(performance.now() - t));
}
await libra.close();
await official.close();
srv.close();
const l = median(runs.libra);
const o = median(runs.official);
console.log(
  JSON.stringify({
    bench: 'ilp',
    protocolVersion: libra.protocolVersion,
    rowsPerRun: ROWS * REQS,
    libraRowsPerSec: l,
    officialClientRowsPerSec: o,
    libraOverOfficial: Math.round((l / o) * 10) / 10,
    runs,
    targetRowsPerSec: 1_000_000,
    loadavg: [Math.round(loadStart * 10) / 10, Math.round(loadavg()[0]! * 10) / 10],
  }),
);

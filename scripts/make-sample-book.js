#!/usr/bin/env node
/**
 * Builds resources/sample-data/book-trades_2022.json.gz, the small real L2 + trades recording the
 * first-run replay loops so its order book and time & sales panels are alive without network.
 *
 * Input: cryptofeed's recorded sessions (github.com/bmoscon/cryptofeed, sample_data/ @ ce58c2a0),
 * read from the shared data folder (or the folder given as the first argument):
 * - OKX.ws.1.0 — OKX v5 `books` (400-level snapshot + updates) and `trades` of BTC-USDT, 2022-05-13;
 * - BITSTAMP.http.0.0 + BITSTAMP.ws.1.0 — Bitstamp's REST order book of ethusd, then its
 *   `diff_order_book_ethusd` and `live_trades_ethusd` channels, 2022-01-05.
 * Values are copied verbatim (prices and sizes as the venue sent them); only the first 60 levels a
 * side of each snapshot are kept, and times become ms offsets from the snapshot's receive time.
 *
 * Output: `{ version: 1, recordings: [{ symbol, venue, market, source, recordedAt, durationMs,
 * snapshot: { bids: [[price, size]…], asks }, events: [[dtMs, "b", bids, asks] | [dtMs, "t", price,
 * size, "buy"|"sell"]] }] }` — a "b" event lists changed levels (size 0 removes one).
 * Deterministic: `node scripts/make-sample-book.js --check` fails when the committed file differs.
 */
import { gzipSync, gunzipSync } from 'node:zlib';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'resources/sample-data/book-trades_2022.json.gz');
const args = process.argv.slice(2);
const check = args.includes('--check');
const SRC = args.find((a) => !a.startsWith('--')) ?? '/work/wt/shared/data/cryptofeed/sample_data';
const LEVELS = 60;

/** Lines `<receive ts>: <json>` of a cryptofeed websocket recording (connect/subscribe lines skipped). */
function wsMessages(file) {
  const out = [];
  for (const line of readFileSync(join(SRC, file), 'utf8').split('\n')) {
    const m = /^(\d+(?:\.\d+)?): (\{.*\})$/.exec(line);
    if (m) out.push({ ts: Number(m[1]) * 1000, msg: JSON.parse(m[2]) });
  }
  return out;
}

const num = (s) => {
  const v = Number(s);
  if (!Number.isFinite(v)) throw new Error(`not a number: ${s}`);
  return v;
};
const levels = (rows, n = Infinity) => rows.slice(0, n).map((r) => [num(r[0]), num(r[1])]);
const round = (ms) => Math.round(ms);

function okxBtcUsdt() {
  const msgs = wsMessages('OKX.ws.1.0').filter((m) => m.msg.arg?.instId === 'BTC-USDT' && (m.msg.arg.channel === 'books' || m.msg.arg.channel === 'trades'));
  const snapAt = msgs.findIndex((m) => m.msg.arg.channel === 'books' && m.msg.action === 'snapshot');
  if (snapAt < 0) throw new Error('OKX: no BTC-USDT book snapshot');
  const snap = msgs[snapAt];
  const t0 = snap.ts;
  const events = [];
  for (const m of msgs.slice(snapAt + 1)) {
    for (const d of m.msg.data) {
      if (m.msg.arg.channel === 'books') events.push([round(m.ts - t0), 'b', levels(d.bids), levels(d.asks)]);
      else events.push([round(m.ts - t0), 't', num(d.px), num(d.sz), d.side === 'sell' ? 'sell' : 'buy']);
    }
  }
  const last = events.at(-1);
  return {
    symbol: 'BTC/USD',
    venue: 'OKX',
    market: 'BTC-USDT',
    source: 'bmoscon/cryptofeed sample_data/OKX.ws.1.0 @ ce58c2a0 (OKX v5 books + trades, BTC-USDT)',
    recordedAt: new Date(t0).toISOString(),
    durationMs: last ? last[0] : 0,
    snapshot: { bids: levels(snap.msg.data[0].bids, LEVELS), asks: levels(snap.msg.data[0].asks, LEVELS) },
    events,
  };
}

function bitstampEthUsd() {
  const rest = readFileSync(join(SRC, 'BITSTAMP.http.0.0'), 'utf8').split('\n').find((l) => l.startsWith('https://www.bitstamp.net/api/v2/order_book/ethusd -> '));
  if (!rest) throw new Error('Bitstamp: no ethusd REST order book');
  const m = /-> (\d+(?:\.\d+)?): (\{.*\})$/.exec(rest);
  const book = JSON.parse(m[2]);
  const bookUs = Number(book.microtimestamp);
  const t0 = Number(m[1]) * 1000;
  const events = [];
  for (const x of wsMessages('BITSTAMP.ws.1.0')) {
    const ch = x.msg.channel;
    if (x.msg.event === 'data' && ch === 'diff_order_book_ethusd') {
      // Diffs older than the snapshot are already in it (Bitstamp's documented sync rule).
      if (Number(x.msg.data.microtimestamp) <= bookUs) continue;
      events.push([round(x.ts - t0), 'b', levels(x.msg.data.bids), levels(x.msg.data.asks)]);
    } else if (x.msg.event === 'trade' && ch === 'live_trades_ethusd') {
      if (Number(x.msg.data.microtimestamp) <= bookUs) continue;
      events.push([round(x.ts - t0), 't', num(x.msg.data.price_str), num(x.msg.data.amount_str), x.msg.data.type === 1 ? 'sell' : 'buy']);
    }
  }
  events.sort((a, b) => a[0] - b[0]);
  const first = events[0]?.[0] ?? 0;
  // The REST answer arrived after the socket's first diffs: start the clock at the first kept one.
  const shifted = events.map((e) => [Math.max(0, e[0] - first), ...e.slice(1)]);
  return {
    symbol: 'ETH/USD',
    venue: 'BITSTAMP',
    market: 'ethusd',
    source: 'bmoscon/cryptofeed sample_data/BITSTAMP.http.0.0 + BITSTAMP.ws.1.0 @ ce58c2a0 (Bitstamp order_book + diff_order_book + live_trades, ethusd)',
    recordedAt: new Date(t0).toISOString(),
    durationMs: shifted.at(-1)?.[0] ?? 0,
    snapshot: { bids: levels(book.bids, LEVELS), asks: levels(book.asks, LEVELS) },
    events: shifted,
  };
}

const json = `${JSON.stringify({ version: 1, recordings: [okxBtcUsdt(), bitstampEthUsd()] })}\n`;
if (check) {
  if (!existsSync(OUT) || gunzipSync(readFileSync(OUT)).toString('utf8') !== json) {
    console.error(`${OUT} differs from what the script makes`);
    process.exit(1);
  }
  console.error('sample book recording is up to date');
} else {
  writeFileSync(OUT, gzipSync(json, { level: 9 }));
  console.error(`wrote ${OUT} (${readFileSync(OUT).length} bytes)`);
}

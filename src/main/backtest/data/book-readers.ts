/**
 * L2 order-book files for book-model backtests, streamed as time-ordered BookUpdate chunks
 * (optionally .gz). Three CSV layouts, told apart by their header:
 *
 * - `binance-depth-csv` — Binance's historical depth CSV
 *   (`symbol,timestamp,first_update_id,last_update_id,side,update_type,price,qty,pu`): rows of one
 *   update share (timestamp, last_update_id, update_type); `snap` rows make a SNAPSHOT, `set` rows a
 *   DELTA (qty 0 removes the level); the sequence is last_update_id; times are epoch ms.
 * - `tardis-book-l2` — Tardis incremental_book_L2
 *   (`exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount`): consecutive rows
 *   with one timestamp and is_snapshot make one update; times are epoch µs.
 * - `tardis-book-snapshot` — Tardis book_snapshot_N
 *   (`exchange,symbol,timestamp,local_timestamp,asks[0].price,asks[0].amount,bids[0].price,…`):
 *   each row is a SNAPSHOT of the top N levels; empty cells are absent levels.
 *
 * Every problem is an ImportError naming the file and the line.
 */
import type { InstrumentId } from '../../../shared/domain/instrument';
import type { BookLevel, BookUpdate } from '../../../shared/messages/market-data';
import { normalizeHeader, sniffSeparator, splitLine } from './csv';
import { ImportError } from './errors';
import { lines } from './source';

export type BookFormat = 'binance-depth-csv' | 'tardis-book-l2' | 'tardis-book-snapshot';

/** The book layout of a CSV header line, or undefined when it is not an order-book file. */
export function bookFormatOfHeader(headerLine: string): BookFormat | undefined {
  const cells = splitLine(headerLine, sniffSeparator(headerLine)).map((c) => c.trim().toLowerCase());
  const has = (...names: string[]): boolean => names.every((n) => cells.includes(n));
  if (has('timestamp', 'last_update_id', 'side', 'update_type', 'price', 'qty')) return 'binance-depth-csv';
  if (has('timestamp', 'is_snapshot', 'side', 'price', 'amount')) return 'tardis-book-l2';
  if (has('timestamp', 'asks[0].price', 'asks[0].amount', 'bids[0].price', 'bids[0].amount')) return 'tardis-book-snapshot';
  return undefined;
}

export interface ReadBookOptions {
  readonly instrumentId: InstrumentId;
  /** Updates per yielded chunk (default 4096). */
  readonly chunkSize?: number;
}

interface Row {
  readonly no: number;
  readonly cells: string[];
}

/** Streams the updates of an order-book CSV in time order. */
export async function* readBook(path: string, opts: ReadBookOptions, info?: { symbol?: string | undefined }): AsyncGenerator<BookUpdate[]> {
  const chunkSize = opts.chunkSize ?? 4096;
  const it = lines(path);
  let header: string | undefined;
  let headerNo = 0;
  for (;;) {
    const r = await it.next();
    if (r.done === true) throw new ImportError(path, 'empty file');
    if (r.value.text.trim() === '') continue;
    header = r.value.text;
    headerNo = r.value.no;
    break;
  }
  const format = bookFormatOfHeader(header);
  if (!format) throw new ImportError(path, `not an order-book file (header: ${header.slice(0, 200)}); expected a Binance depth CSV or a Tardis incremental_book_L2 / book_snapshot CSV`, headerNo);
  const sep = sniffSeparator(header);
  const names = splitLine(header, sep).map((c) => c.trim());
  const keys = names.map(normalizeHeader);
  const col = (name: string): number => keys.indexOf(normalizeHeader(name));
  const symCol = col('symbol');
  const tsCol = col('timestamp');
  const usTimes = format !== 'binance-depth-csv';
  let symbol: string | undefined;
  let lastTs = -Infinity;
  let seq = 0;
  let pending: BookUpdate[] = [];

  const num = (row: Row, i: number, what: string): number => {
    const text = (row.cells[i] ?? '').trim();
    const v = text === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(v)) throw new ImportError(path, `not a number in column ${names[i] ?? what}`, row.no);
    return v;
  };
  const timeOf = (row: Row): number => {
    const v = num(row, tsCol, 'timestamp');
    const ms = usTimes ? Math.floor(v / 1000) : Math.floor(v);
    if (ms <= 0) throw new ImportError(path, `the timestamp is not an epoch ${usTimes ? 'µs' : 'ms'} time`, row.no);
    if (ms < lastTs) throw new ImportError(path, `time goes back (${ms} after ${lastTs}): the file must be in time order`, row.no);
    lastTs = ms;
    return ms;
  };
  const checkSymbol = (row: Row): void => {
    if (symCol < 0) return;
    const s = (row.cells[symCol] ?? '').trim();
    if (symbol === undefined) {
      symbol = s;
      if (info) info.symbol = s;
    } else if (s !== symbol) throw new ImportError(path, `a second symbol in column symbol: one symbol per file`, row.no);
  };
  const level = (row: Row, pxCol: number, szCol: number): BookLevel => {
    const price = num(row, pxCol, 'price');
    const size = num(row, szCol, 'size');
    if (!(price > 0)) throw new ImportError(path, `the price must be > 0`, row.no);
    if (size < 0) throw new ImportError(path, `the size must be ≥ 0`, row.no);
    return { price, size };
  };
  const emit = function* (u: BookUpdate): Generator<BookUpdate[]> {
    pending.push(u);
    if (pending.length >= chunkSize) {
      yield pending;
      pending = [];
    }
  };

  if (format === 'tardis-book-snapshot') {
    const asks: [number, number][] = [];
    const bids: [number, number][] = [];
    for (let i = 0; ; i++) {
      const ap = col(`asks[${i}].price`);
      const bp = col(`bids[${i}].price`);
      if (ap < 0 && bp < 0) break;
      if (ap >= 0) asks.push([ap, col(`asks[${i}].amount`)]);
      if (bp >= 0) bids.push([bp, col(`bids[${i}].amount`)]);
    }
    for (const [p, a] of [...asks, ...bids]) if (a < 0) throw new ImportError(path, `column ${names[p] ?? ''} has no matching amount column`, headerNo);
    const side = (row: Row, cols: readonly [number, number][]): BookLevel[] => {
      const out: BookLevel[] = [];
      for (const [p, a] of cols) {
        if ((row.cells[p] ?? '').trim() === '' && (row.cells[a] ?? '').trim() === '') continue;
        const l = level(row, p, a);
        if (l.size > 0) out.push(l);
      }
      return out;
    };
    for await (const line of it) {
      if (line.text.trim() === '') continue;
      const row = { no: line.no, cells: splitLine(line.text, sep) };
      checkSymbol(row);
      const ts = timeOf(row);
      yield* emit({ instrumentId: opts.instrumentId, ts, action: 'SNAPSHOT', sequence: ++seq, bids: side(row, bids), asks: side(row, asks) });
    }
    if (pending.length > 0) yield pending;
    return;
  }

  const sideCol = col('side');
  const pxCol = col('price');
  const szCol = format === 'binance-depth-csv' ? col('qty') : col('amount');
  const kindCol = format === 'binance-depth-csv' ? col('update_type') : col('is_snapshot');
  const idCol = col('last_update_id');
  let cur: { key: string; ts: number; action: 'SNAPSHOT' | 'DELTA'; sequence: number; bids: BookLevel[]; asks: BookLevel[] } | undefined;
  for await (const line of it) {
    if (line.text.trim() === '') continue;
    const row = { no: line.no, cells: splitLine(line.text, sep) };
    checkSymbol(row);
    const ts = timeOf(row);
    const kindText = (row.cells[kindCol] ?? '').trim().toLowerCase();
    let action: 'SNAPSHOT' | 'DELTA';
    if (format === 'binance-depth-csv') {
      if (kindText === 'snap') action = 'SNAPSHOT';
      else if (kindText === 'set') action = 'DELTA';
      else throw new ImportError(path, `update_type is neither snap nor set`, row.no);
    } else if (kindText === 'true') action = 'SNAPSHOT';
    else if (kindText === 'false') action = 'DELTA';
    else throw new ImportError(path, `is_snapshot is neither true nor false`, row.no);
    const sideText = (row.cells[sideCol] ?? '').trim().toLowerCase();
    const bid = sideText === 'b' || sideText === 'bid' || sideText === 'buy';
    if (!bid && sideText !== 'a' && sideText !== 'ask' && sideText !== 'sell') throw new ImportError(path, `side is neither bid (b) nor ask (a)`, row.no);
    const updateId = idCol >= 0 ? num(row, idCol, 'last_update_id') : undefined;
    const key = `${ts}|${action}|${updateId ?? ''}`;
    if (!cur || cur.key !== key) {
      if (cur) yield* emit({ instrumentId: opts.instrumentId, ts: cur.ts, action: cur.action, sequence: cur.sequence, bids: cur.bids, asks: cur.asks });
      cur = { key, ts, action, sequence: updateId ?? ++seq, bids: [], asks: [] };
    }
    const l = level(row, pxCol, szCol);
    // A snapshot lists only standing levels: a zero there carries nothing.
    if (action === 'DELTA' || l.size > 0) (bid ? cur.bids : cur.asks).push(l);
  }
  if (cur) yield* emit({ instrumentId: opts.instrumentId, ts: cur.ts, action: cur.action, sequence: cur.sequence, bids: cur.bids, asks: cur.asks });
  if (pending.length > 0) yield pending;
}

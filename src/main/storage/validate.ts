/**
 * Input checks shared by every store. A batch is validated as a whole BEFORE anything is written,
 * so bad input is refused with the row that is wrong and never half-stored.
 */
import { instrumentId } from '../../shared/domain/instrument';
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../shared/messages/market-data';
import { StoreInputError } from './store';

const NAME = /^[A-Za-z0-9_./:-]{1,64}$/;

/** Upper-cased venue/symbol; refuses names with characters that would break keys or SQL. */
export function normSeries(venue: string, symbol: string): { venue: string; symbol: string; id: string } {
  if (!NAME.test(venue)) throw new StoreInputError(`venue must be a plain name, got "${venue}"`);
  if (!NAME.test(symbol)) throw new StoreInputError(`symbol must be a plain name like BTC/USDT, got "${symbol}"`);
  const v = venue.toUpperCase();
  const s = symbol.toUpperCase();
  return { venue: v, symbol: s, id: instrumentId(s, v) };
}

function bad(what: string, i: number, msg: string): never {
  throw new StoreInputError(`${what}[${i}]: ${msg} — batch refused, nothing written`);
}

function checkTs(what: string, i: number, ts: number): void {
  if (!Number.isSafeInteger(ts) || ts < 0) bad(what, i, `ts must be a non-negative integer of ms, got ${ts}`);
}

function checkId(what: string, i: number, id: string, expected: string): void {
  if (id !== expected && id.toUpperCase() !== expected) bad(what, i, `instrumentId ${id} does not belong to series ${expected}`);
}

function finite(what: string, i: number, field: string, v: number, min = -Infinity): void {
  if (!Number.isFinite(v) || v < min) bad(what, i, `${field} must be a finite number${min === 0 ? ' ≥ 0' : ''}, got ${v}`);
}

export function checkBars(id: string, timeframeMs: number, bars: readonly Bar[]): void {
  if (!Number.isSafeInteger(timeframeMs) || timeframeMs <= 0) throw new StoreInputError(`timeframeMs must be a positive integer, got ${timeframeMs}`);
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    checkId('bars', i, b.instrumentId, id);
    if (b.timeframeMs !== timeframeMs) bad('bars', i, `timeframeMs ${b.timeframeMs} differs from the series' ${timeframeMs}`);
    checkTs('bars', i, b.openTime);
    if (b.ts !== b.openTime + timeframeMs) bad('bars', i, `ts must be the close time openTime + timeframeMs (${b.openTime + timeframeMs}), got ${b.ts}`);
    finite('bars', i, 'open', b.open);
    finite('bars', i, 'high', b.high);
    finite('bars', i, 'low', b.low);
    finite('bars', i, 'close', b.close);
    finite('bars', i, 'volume', b.volume, 0);
    if (b.high < Math.max(b.open, b.close, b.low) || b.low > Math.min(b.open, b.close)) bad('bars', i, `high/low do not enclose open/close`);
  }
}

export function checkTrades(id: string, trades: readonly TradeTick[]): void {
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i]!;
    checkId('trades', i, t.instrumentId, id);
    checkTs('trades', i, t.ts);
    finite('trades', i, 'price', t.price);
    finite('trades', i, 'size', t.size, 0);
    if (typeof t.tradeId !== 'string') bad('trades', i, `tradeId must be a string`);
    if (t.side !== undefined && t.side !== 'BUY' && t.side !== 'SELL') bad('trades', i, `side must be BUY or SELL, got ${String(t.side)}`);
  }
}

export function checkQuotes(id: string, quotes: readonly QuoteTick[]): void {
  for (let i = 0; i < quotes.length; i++) {
    const q = quotes[i]!;
    checkId('quotes', i, q.instrumentId, id);
    checkTs('quotes', i, q.ts);
    finite('quotes', i, 'bid', q.bid);
    finite('quotes', i, 'ask', q.ask);
    finite('quotes', i, 'bidSize', q.bidSize, 0);
    finite('quotes', i, 'askSize', q.askSize, 0);
  }
}

export function checkBook(id: string, updates: readonly BookUpdate[]): void {
  for (let i = 0; i < updates.length; i++) {
    const u = updates[i]!;
    checkId('book', i, u.instrumentId, id);
    checkTs('book', i, u.ts);
    if (u.action !== 'SNAPSHOT' && u.action !== 'DELTA') bad('book', i, `action must be SNAPSHOT or DELTA`);
    if (!Number.isSafeInteger(u.sequence)) bad('book', i, `sequence must be an integer, got ${u.sequence}`);
    for (const l of [...u.bids, ...u.asks]) {
      finite('book', i, 'level price', l.price);
      finite('book', i, 'level size', l.size, 0);
    }
  }
}

/** Splits `BTC/USDT@BINANCE` into venue and symbol (the last `@` separates them). */
export function splitInstrumentId(id: string): { venue: string; symbol: string } {
  const at = id.lastIndexOf('@');
  if (at <= 0 || at === id.length - 1) throw new StoreInputError(`instrument id must look like SYMBOL@VENUE, got "${id}"`);
  return { symbol: id.slice(0, at), venue: id.slice(at + 1) };
}

/**
 * Trade ids that are canonical non-negative integers below 2^53 are stored as numbers: they
 * sort numerically ("10" after "9") and avoid a string per row on the hot ingest path.
 */
export function numericTradeId(id: string): number {
  const len = id.length;
  if (len === 0 || len > 16 || (len > 1 && id.charCodeAt(0) === 48)) return -1;
  // digits accumulated in place of Number(id): exact while below 2^53, and any id at or above it
  // ends at or above 2^53 however it rounds, so the safe-integer check below still refuses it
  let n = 0;
  for (let i = 0; i < len; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n <= Number.MAX_SAFE_INTEGER ? n : -1;
}

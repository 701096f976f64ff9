/**
 * ILP writer for QuestDB through @questdb/nodejs-client (`http::addr=host:port;…`).
 *
 * One write call = one HTTP request (auto flush is forced off and the call flushes once), and
 * QuestDB commits one ILP/HTTP request as one transaction per table: a batch is all-or-nothing.
 * Tables carry DEDUP UPSERT KEYS (see schema.ts, created by questdb-store.ts), so the client's own retries, and replays, never
 * duplicate rows. Input is validated before any byte is buffered.
 */
import { Sender } from '@questdb/nodejs-client';
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../../shared/messages/market-data';
import type { SignalRecord } from '../store';
import { checkBars, checkBook, checkQuotes, checkTrades, normSeries, numericTradeId } from '../validate';

export type IlpValue = number | string | boolean | { readonly int: number } | { readonly timestampMs: number } | undefined;

export class IlpWriter {
  private constructor(
    private readonly sender: Sender,
    private readonly prefix: string,
  ) {}

  /** Connects with a QuestDB client config string; `tablePrefix` namespaces tables (tests). */
  static async connect(config: string, tablePrefix = ''): Promise<IlpWriter> {
    const conf = config
      .split(';')
      .filter((kv) => kv && !/^auto_flush(_rows|_interval)?=/.test(kv.trim()))
      .join(';');
    // a batch is sent as one request, so start with a buffer that fits typical batches:
    // growing from the 64 KiB default by doubling costs ~2x in the client (measured)
    const buf = /(^|;)\s*init_buf_size=/.test(conf) ? '' : 'init_buf_size=16777216;';
    const sender = await Sender.fromConfig(`${conf};auto_flush=off;${buf}`);
    return new IlpWriter(sender, tablePrefix);
  }

  /** Buffers one row; `symbols` become QuestDB SYMBOL columns. */
  private row(table: string, symbols: Readonly<Record<string, string>>, fields: Readonly<Record<string, IlpValue>>, tsMs: number): void {
    this.sender.table(this.prefix + table);
    for (const [k, v] of Object.entries(symbols)) this.sender.symbol(k, v);
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      if (typeof v === 'number') this.sender.floatColumn(k, v);
      else if (typeof v === 'string') this.sender.stringColumn(k, v);
      else if (typeof v === 'boolean') this.sender.booleanColumn(k, v);
      else if ('int' in v) this.sender.intColumn(k, v.int);
      else this.sender.timestampColumn(k, v.timestampMs, 'ms');
    }
    // Sender.at is async only to auto-flush, which is off: the row is buffered synchronously
    void this.sender.at(tsMs, 'ms');
  }

  /** Sends what is buffered as one request; on failure the buffer is dropped (nothing half-sent). */
  private async send(): Promise<void> {
    try {
      await this.sender.flush();
    } catch (err) {
      this.sender.reset();
      throw err;
    }
  }

  async writeTrades(venue: string, symbol: string, trades: readonly TradeTick[]): Promise<number> {
    const n = normSeries(venue, symbol);
    checkTrades(n.id, trades);
    for (const t of trades) {
      // trade_no: the id as a number when it is a canonical integer (else -1), so reads order ids
      // numerically; trade_id keeps the venue's id as given
      const no = numericTradeId(t.tradeId);
      this.row('trades', { venue: n.venue, symbol: n.symbol, ...(t.side ? { side: t.side } : {}) }, { trade_no: { int: no }, trade_id: t.tradeId, price: t.price, size: t.size }, t.ts);
    }
    await this.send();
    return trades.length;
  }

  async writeBars(venue: string, symbol: string, timeframeMs: number, bars: readonly Bar[]): Promise<number> {
    const n = normSeries(venue, symbol);
    checkBars(n.id, timeframeMs, bars);
    for (const b of bars) {
      this.row(
        'bars',
        { venue: n.venue, symbol: n.symbol },
        { timeframe_ms: { int: timeframeMs }, open_time: { timestampMs: b.openTime }, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume },
        b.ts,
      );
    }
    await this.send();
    return bars.length;
  }

  async writeQuotes(venue: string, symbol: string, quotes: readonly QuoteTick[]): Promise<number> {
    const n = normSeries(venue, symbol);
    checkQuotes(n.id, quotes);
    for (const q of quotes) this.row('quotes', { venue: n.venue, symbol: n.symbol }, { bid: q.bid, bid_size: q.bidSize, ask: q.ask, ask_size: q.askSize }, q.ts);
    await this.send();
    return quotes.length;
  }

  async writeBook(venue: string, symbol: string, updates: readonly BookUpdate[]): Promise<number> {
    const n = normSeries(venue, symbol);
    checkBook(n.id, updates);
    for (const u of updates) {
      this.row(
        'book',
        { venue: n.venue, symbol: n.symbol, action: u.action },
        { sequence: { int: u.sequence }, bids: JSON.stringify(u.bids.map((l) => [l.price, l.size])), asks: JSON.stringify(u.asks.map((l) => [l.price, l.size])) },
        u.ts,
      );
    }
    await this.send();
    return updates.length;
  }

  async writeSignals(signals: readonly SignalRecord[]): Promise<number> {
    for (const s of signals) normSeries(s.venue, s.symbol);
    for (const s of signals) {
      const n = normSeries(s.venue, s.symbol);
      this.row('signals', { strategy_id: s.strategyId, name: s.name, venue: n.venue, symbol: n.symbol }, { value: s.value }, s.ts);
    }
    await this.send();
    return signals.length;
  }

  /** Generic keyed row table (orders, fills, instruments, backtest runs). */
  async writeRows(table: string, rows: readonly { symbols: Record<string, string>; fields: Record<string, IlpValue>; tsMs: number }[]): Promise<number> {
    for (const r of rows) this.row(table, r.symbols, r.fields, r.tsMs);
    await this.send();
    return rows.length;
  }

  async close(): Promise<void> {
    await this.sender.close();
  }
}

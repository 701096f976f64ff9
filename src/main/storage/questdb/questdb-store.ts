/**
 * TimeSeriesStore over a QuestDB server (for tick volumes beyond the embedded DuckDB store).
 *
 * - Schema: created/migrated at `open()` through `/exec` DDL (schema.ts), versioned in a
 *   `schema_version` table; a server holding a newer version is refused (StoreVersionError).
 * - Writes: ILP over HTTP through LIBRA's own writer (IlpWriter: pre-sized buffers, binary
 *   doubles with protocol v2): one request per call, which QuestDB commits as one transaction
 *   per table, or for ≥ 40 k trades or bars two requests in parallel on two connections (two
 *   transactions, trades split between two milliseconds, each with its own `trade_batches` row);
 *   a call resolves once every request is acknowledged and rejects if any failed. Every table
 *   carries DEDUP UPSERT KEYS covering the row's natural key, so the client's retries, replayed
 *   batches and a call re-sent after one of its parts failed never duplicate rows.
 * - Differences from the DuckDB store, by QuestDB's design (the contract suite runs with
 *   `countsExact: false, keyConflict: 'last-wins'`):
 *   • dedup cannot report what it skipped: a write returns `exact: false`, `inserted` = distinct
 *     rows sent, `ignored` = duplicates inside the batch only;
 *   • dedup is last-write-wins: replaying a key with different non-key values replaces the row;
 *   • tables are WAL tables: a write is durable when the call resolves and visible to reads once
 *     QuestDB has applied it (milliseconds; `waitApplied()` waits for it).
 * - Reads: `/exec?query=…` (JSON), paged by time windows and `limit=lo,hi` inside a window, so
 *   memory stays flat over any range. Resampling uses SAMPLE BY, as-of joins QuestDB's ASOF JOIN
 *   keyed ON (venue, symbol). Trades sharing a millisecond are ordered by (trade_no, trade_id).
 *   QuestDB's first()/last()/ASOF pick by storage order, which is the id order inside one batch
 *   (sent sorted) but not across batches: resampling re-reads the boundary milliseconds; as-of
 *   joins re-read only matches in a millisecond that several batches cover (`trade_batches`).
 * - A canonical integer trade id is stored in trade_no alone (trade_id NULL), any other id in
 *   trade_id with trade_no -1: `libra query` users see ids that way.
 * - Series (venue, symbol) are known from the tables at open and from this store's own writes;
 *   series written by another process after open are not seen until the next open.
 */
import type { Instrument } from '../../../shared/domain/instrument';
import { instrumentId } from '../../../shared/domain/instrument';
import type { Fill, Order } from '../../../shared/domain/order';
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../../shared/messages/market-data';
import type {
  AsofBarMatch,
  AsofBarsQuery,
  AsofQuery,
  AsofQuoteMatch,
  AsofQuotesQuery,
  AsofRow,
  AsofTradeMatch,
  AsofTradesQuery,
  BacktestRunRecord,
  ResampleQuery,
  ScanBarsQuery,
  ScanTicksQuery,
  SeriesInfo,
  SeriesKind,
  SignalRecord,
  TimeSeriesStore,
  WriteResult,
} from '../store';
import { DEFAULT_CHUNK_SIZE, isSignalTable, StoreInputError, StoreQueryError, StoreVersionError } from '../store';
import { checkBars, checkBook, checkQuotes, checkTrades, normSeries, numericTradeId, splitInstrumentId } from '../validate';
import type { ExecValue } from './exec';
import { cellNum, cellStr, QuestDbExec, qstr, qts, usToMs } from './exec';
import type { IlpValue } from './ilp-writer';
import { IlpWriter } from './ilp-writer';
import { ALL_TABLES, QUESTDB_LATEST_VERSION, QUESTDB_MIGRATIONS, REPARTITION_SUFFIX, schemaVersionDdl } from './schema';

export interface QuestDbStoreOptions {
  /** QuestDB's HTTP endpoint, e.g. `http://127.0.0.1:9000` (serves both /exec and ILP /write). */
  readonly url: string;
  /** Prefix of every table name (tests and benches namespace their tables). */
  readonly tablePrefix?: string;
  /** Extra ILP client settings appended to the config string, e.g. `retry_timeout=20000;`. */
  readonly ilpConfig?: string;
  /** Rows per /exec page (default 100 000). */
  readonly pageRows?: number;
}

/** Timestamps per `ts IN (…)` follow-up query: keeps the GET URL well under QuestDB's header buffer. */
const IN_BATCH = 200;

/** A TIMESTAMP cell (ISO string, or µs when cast to LONG) → epoch ms; null stays null. */
export function tsCell(v: ExecValue | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Math.round(v / 1000);
  const s = String(v);
  const ms = Date.parse(s.length > 23 ? `${s.slice(0, 23)}Z` : s);
  if (Number.isNaN(ms)) throw new StoreQueryError(`QuestDB returned an unreadable timestamp ${JSON.stringify(s)}`);
  return ms;
}
const tsNum = (v: ExecValue | undefined): number => tsCell(v) ?? Number.NaN;

/** A trade's id from its (trade_no, trade_id) cells: a canonical integer id lives in trade_no alone. */
export function tradeIdCell(no: ExecValue | undefined, id: ExecValue | undefined): string {
  const n = cellNum(no);
  return n >= 0 ? String(n) : cellStr(id);
}

interface TieRow {
  readonly tradeNo: number;
  readonly tradeId: string;
  readonly price: number;
  readonly size: number;
}

/** (trade_no, trade_id) order of trades sharing a millisecond. */
const tieCmp = (a: TieRow, b: TieRow): number => a.tradeNo - b.tradeNo || (a.tradeId < b.tradeId ? -1 : a.tradeId > b.tradeId ? 1 : 0);

const nonAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
};

/**
 * A trades batch in (ts, trade_no, trade_id) order with repeated (ts, id) keys dropped (the first
 * one kept), so that QuestDB stores same-ms trades of the batch in tie order. `mixed`: two string
 * ids (trade_no -1) with non-ASCII characters share a millisecond, where QuestDB's own key order
 * (UTF-8 bytes) may differ from JavaScript's (UTF-16 units): reads then break those ties themselves.
 */
export function sortTrades(trades: readonly TradeTick[]): { rows: readonly TradeTick[]; mixed: boolean } {
  // fast path, no allocation: already strictly in (ts, trade_no, trade_id) order and no string ties
  let prevNo = 0;
  let fast = true;
  for (let i = 0; i < trades.length && fast; i++) {
    const t = trades[i]!;
    const no = numericTradeId(t.tradeId);
    if (i > 0) {
      const p = trades[i - 1]!;
      fast = p.ts < t.ts || (p.ts === t.ts && no >= 0 && prevNo >= 0 && prevNo < no);
    }
    prevNo = no;
  }
  if (fast) return { rows: trades, mixed: false };
  const keyed = trades.map((t) => ({ t, no: numericTradeId(t.tradeId) }));
  const cmp = (a: (typeof keyed)[number], b: (typeof keyed)[number]): number =>
    a.t.ts - b.t.ts || a.no - b.no || (a.t.tradeId < b.t.tradeId ? -1 : a.t.tradeId > b.t.tradeId ? 1 : 0);
  let ordered = true;
  for (let i = 1; i < keyed.length && ordered; i++) ordered = cmp(keyed[i - 1]!, keyed[i]!) < 0;
  if (!ordered) keyed.sort(cmp); // stable: the first of equal keys stays first
  const rows: TradeTick[] = [];
  let mixed = false;
  for (let i = 0; i < keyed.length; i++) {
    const k = keyed[i]!;
    const prev = keyed[i - 1];
    if (prev && prev.t.ts === k.t.ts) {
      if (prev.t.tradeId === k.t.tradeId) continue;
      if (prev.no < 0 && k.no < 0 && (nonAscii(prev.t.tradeId) || nonAscii(k.t.tradeId))) mixed = true;
    }
    rows.push(k.t);
  }
  return { rows: ordered ? trades : rows, mixed };
}

/**
 * Milliseconds of one series whose trades may come from more than one batch (commit), or whose
 * order is unknown: closed ranges [lo[i], hi[i]], sorted and disjoint.
 */
interface UnsafeRanges {
  readonly lo: number[];
  readonly hi: number[];
}

function inRanges(r: UnsafeRanges | undefined, ms: number): boolean {
  if (!r) return false;
  let a = 0;
  let b = r.lo.length - 1;
  while (a <= b) {
    const m = (a + b) >> 1;
    if (r.hi[m]! < ms) a = m + 1;
    else if (r.lo[m]! > ms) b = m - 1;
    else return true;
  }
  return false;
}

/** Points covered by two or more of the batches [first, last] (and all of a `mixed` one), merged. */
export function unsafeRanges(batches: readonly { first: number; last: number; mixed: boolean }[]): UnsafeRanges {
  const sorted = [...batches].sort((a, b) => a.first - b.first);
  const raw: [number, number][] = [];
  let maxEnd = Number.NEGATIVE_INFINITY;
  for (const x of sorted) {
    if (x.mixed) raw.push([x.first, x.last]);
    if (x.first <= maxEnd) raw.push([x.first, Math.min(x.last, maxEnd)]);
    maxEnd = Math.max(maxEnd, x.last);
  }
  raw.sort((a, b) => a[0] - b[0]);
  const lo: number[] = [];
  const hi: number[] = [];
  for (const [a, b] of raw) {
    if (lo.length > 0 && a <= hi[hi.length - 1]! + 1) hi[hi.length - 1] = Math.max(hi[hi.length - 1]!, b);
    else {
      lo.push(a);
      hi.push(b);
    }
  }
  return { lo, hi };
}

/** Above this many matches in multi-batch milliseconds, a chunk breaks ties with one hash join instead of IN lists. */
const FIXUP_MAX = 2000;

export class QuestDbStore implements TimeSeriesStore {
  private readonly http: QuestDbExec;
  private readonly p: string;
  private readonly pageRows: number;
  private ilp: IlpWriter | undefined;
  /** Something was sent since open: close() waits for QuestDB to apply it. */
  private wrote = false;
  /** `VENUE\0SYMBOL` of every known series. */
  private readonly series = new Set<string>();

  constructor(private readonly options: QuestDbStoreOptions) {
    this.http = new QuestDbExec(options.url);
    this.p = options.tablePrefix ?? '';
    if (!/^[A-Za-z0-9_]*$/.test(this.p)) throw new StoreInputError(`tablePrefix must be letters, digits and _, got "${this.p}"`);
    this.pageRows = options.pageRows ?? 100_000;
  }

  /** Where the store lives, for messages. */
  get where(): string {
    return `${this.http.url}${this.p ? ` (tables ${this.p}*)` : ''}`;
  }

  // ---------------------------------------------------------------- lifecycle

  async open(): Promise<void> {
    if (this.ilp) return;
    const p = this.p;
    await this.http.exec(schemaVersionDdl(p));
    const v = (await this.http.exec(`SELECT max(version) FROM ${p}schema_version`)).dataset[0]?.[0];
    const stored = v === null || v === undefined ? 0 : cellNum(v);
    if (stored > QUESTDB_LATEST_VERSION) {
      throw new StoreVersionError(`store at ${this.where} has schema version ${stored}, this LIBRA understands up to ${QUESTDB_LATEST_VERSION} — upgrade LIBRA`);
    }
    for (const m of QUESTDB_MIGRATIONS) {
      if (m.version <= stored) continue;
      // A migration reads the rows already there (v2 rewrites ids, v3 summarises trades, v4 copies
      // tables): every committed WAL transaction, a previous migration's included, must be
      // applied first, or rows committed just before open() are missed.
      await this.waitApplied();
      for (const sql of m.up(p)) await this.http.exec(sql);
      await m.run?.(this.http, p);
      await this.http.exec(`INSERT INTO ${p}schema_version VALUES (${m.version}, ${qstr(m.name)}, ${qts(Date.now())})`);
    }
    for (const t of ['bars', 'trades', 'quotes', 'book', 'signals']) {
      for (const r of (await this.http.exec(`SELECT DISTINCT venue, symbol FROM ${p}${t}`)).dataset) this.remember(cellStr(r[0]), cellStr(r[1]));
    }
    const u = new URL(this.http.url);
    const scheme = u.protocol === 'https:' ? 'https' : 'http';
    const port = u.port || (scheme === 'https' ? '443' : '80');
    this.ilp = await IlpWriter.connect(`${scheme}::addr=${u.hostname}:${port};${this.options.ilpConfig ?? ''}`, p);
  }

  /** Closes the ILP sender; after writes, first waits until QuestDB has applied them, so the next reader (another process) sees them. */
  async close(): Promise<void> {
    const ilp = this.ilp;
    this.ilp = undefined;
    if (!ilp) return;
    await ilp.close();
    if (this.wrote) await this.waitApplied();
    this.wrote = false;
  }

  /**
   * Waits until QuestDB has applied every committed WAL transaction of this store's tables (what
   * a reader needs right after a write), or throws after `timeoutMs`.
   */
  async waitApplied(timeoutMs = 30_000, tables: readonly string[] = ALL_TABLES.map((t) => this.p + t)): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const names = new Set(tables);
    // short polls first (an as-of scratch table applies in milliseconds), then every 20 ms
    for (let poll = 0; ; poll++) {
      const { dataset } = await this.http.exec(`SELECT name, suspended, writerTxn, sequencerTxn FROM wal_tables()`);
      const mine = dataset.filter((r) => names.has(cellStr(r[0])));
      const stuck = mine.find((r) => r[1] === true);
      if (stuck) throw new StoreQueryError(`QuestDB suspended WAL apply of table ${cellStr(stuck[0])}`);
      if (mine.every((r) => cellNum(r[2]) >= cellNum(r[3]))) return;
      if (Date.now() > deadline) throw new StoreQueryError(`QuestDB did not apply WAL of ${this.where} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, poll < 8 ? 4 : 20));
    }
  }

  /** Drops every table of this store (tests). */
  async dropAll(): Promise<void> {
    for (const t of [...ALL_TABLES, ...ALL_TABLES.map((n) => n + REPARTITION_SUFFIX), 'schema_version']) await this.http.exec(`DROP TABLE IF EXISTS ${this.p}${t}`);
  }

  private writer(): IlpWriter {
    if (!this.ilp) throw new StoreQueryError(`store at ${this.where} is not open — call open() first`);
    this.wrote = true;
    return this.ilp;
  }

  private remember(venue: string, symbol: string): void {
    this.series.add(`${venue}\u0000${symbol}`);
  }

  /** Resolves a read's (venue?, symbol) like the DuckDB store: undefined when nothing is stored. */
  private resolve(venue: string | undefined, symbol: string): { venue: string; symbol: string } | undefined {
    const sym = symbol.toUpperCase();
    if (venue !== undefined) {
      const v = venue.toUpperCase();
      return this.series.has(`${v}\u0000${sym}`) ? { venue: v, symbol: sym } : undefined;
    }
    const venues = [...this.series].map((k) => k.split('\u0000')).filter((k) => k[1] === sym).map((k) => k[0]!);
    if (venues.length > 1) throw new StoreQueryError(`symbol ${sym} is stored for several venues (${venues.sort().join(', ')}); pass venue`);
    return venues[0] === undefined ? undefined : { venue: venues[0], symbol: sym };
  }

  // ---------------------------------------------------------------- writes

  /** Keeps the first row of each key; `exact: false` because QuestDB cannot tell replays apart. */
  private static unique<T>(rows: readonly T[], key: (r: T) => string): T[] {
    const seen = new Set<string>();
    const out: T[] = [];
    for (const r of rows) {
      const k = key(r);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(r);
    }
    return out;
  }

  /** Every row strictly after the one before (`lt`): the batch has no duplicate key, no Set needed. */
  private static increasing<T>(rows: readonly T[], lt: (a: T, b: T) => boolean): boolean {
    for (let i = 1; i < rows.length; i++) if (!lt(rows[i - 1]!, rows[i]!)) return false;
    return true;
  }

  private static result(total: number, sent: number): WriteResult {
    return { inserted: sent, ignored: total - sent, exact: false };
  }

  async writeTrades(venue: string, symbol: string, trades: readonly TradeTick[]): Promise<WriteResult> {
    const n = normSeries(venue, symbol);
    checkTrades(n.id, trades);
    const { rows, mixed } = sortTrades(trades);
    if (rows.length > 0) await this.writer().writeTrades(n.venue, n.symbol, rows, { mixed });
    if (rows.length > 0) this.remember(n.venue, n.symbol);
    return QuestDbStore.result(trades.length, rows.length);
  }

  async writeBars(venue: string, symbol: string, timeframeMs: number, bars: readonly Bar[]): Promise<WriteResult> {
    const n = normSeries(venue, symbol);
    checkBars(n.id, timeframeMs, bars);
    const rows = QuestDbStore.increasing(bars, (a, b) => a.openTime < b.openTime) ? bars : QuestDbStore.unique(bars, (b) => String(b.openTime));
    if (rows.length > 0) await this.writer().writeBars(n.venue, n.symbol, timeframeMs, rows);
    if (rows.length > 0) this.remember(n.venue, n.symbol);
    return QuestDbStore.result(bars.length, rows.length);
  }

  async writeQuotes(venue: string, symbol: string, quotes: readonly QuoteTick[]): Promise<WriteResult> {
    const n = normSeries(venue, symbol);
    checkQuotes(n.id, quotes);
    const rows = QuestDbStore.unique(quotes, (q) => `${q.ts}|${q.bid}|${q.bidSize}|${q.ask}|${q.askSize}`);
    if (rows.length > 0) await this.writer().writeQuotes(n.venue, n.symbol, rows);
    if (rows.length > 0) this.remember(n.venue, n.symbol);
    return QuestDbStore.result(quotes.length, rows.length);
  }

  async writeBook(venue: string, symbol: string, updates: readonly BookUpdate[]): Promise<WriteResult> {
    const n = normSeries(venue, symbol);
    checkBook(n.id, updates);
    const rows = QuestDbStore.unique(updates, (u) => `${u.sequence}|${u.action}|${u.ts}`);
    if (rows.length > 0) await this.writer().writeBook(n.venue, n.symbol, rows);
    if (rows.length > 0) this.remember(n.venue, n.symbol);
    return QuestDbStore.result(updates.length, rows.length);
  }

  async writeSignals(signals: readonly SignalRecord[]): Promise<WriteResult> {
    for (let i = 0; i < signals.length; i++) {
      const s = signals[i]!;
      if (!Number.isSafeInteger(s.ts) || s.ts < 0) throw new StoreInputError(`signals[${i}]: ts must be a non-negative integer of ms — batch refused, nothing written`);
      if (!Number.isFinite(s.value)) throw new StoreInputError(`signals[${i}]: value must be finite — batch refused, nothing written`);
      if (!s.strategyId || !s.name) throw new StoreInputError(`signals[${i}]: strategyId and name are required — batch refused, nothing written`);
      normSeries(s.venue, s.symbol);
    }
    const rows = QuestDbStore.unique(signals, (s) => `${s.strategyId}\u0000${s.name}\u0000${s.venue.toUpperCase()}\u0000${s.symbol.toUpperCase()}\u0000${s.ts}`);
    if (rows.length > 0) await this.writer().writeSignals(rows);
    for (const s of rows) this.remember(s.venue.toUpperCase(), s.symbol.toUpperCase());
    return QuestDbStore.result(signals.length, rows.length);
  }

  async writeOrders(orders: readonly Order[]): Promise<WriteResult> {
    const rows = QuestDbStore.unique(orders, (o) => `${o.clientOrderId}\u0000${o.updatedAt}\u0000${o.status}\u0000${o.filledRaw}`).map((o) => {
      const { venue, symbol } = splitInstrumentId(o.instrumentId);
      const n = normSeries(venue, symbol);
      const fields: Record<string, IlpValue> = { client_order_id: o.clientOrderId, filled_raw: { int: o.filledRaw }, spec: JSON.stringify(o) };
      return { symbols: { venue: n.venue, symbol: n.symbol, status: o.status, strategy_id: o.strategyId }, fields, tsMs: o.updatedAt };
    });
    if (rows.length > 0) await this.writer().writeRows('orders', rows);
    return QuestDbStore.result(orders.length, rows.length);
  }

  async writeFills(fills: readonly Fill[]): Promise<WriteResult> {
    const rows = QuestDbStore.unique(fills, (f) => `${f.instrumentId.toUpperCase()}\u0000${f.clientOrderId}\u0000${f.tradeId}`).map((f) => {
      const { venue, symbol } = splitInstrumentId(f.instrumentId);
      const n = normSeries(venue, symbol);
      const fields: Record<string, IlpValue> = { client_order_id: f.clientOrderId, trade_id: f.tradeId, spec: JSON.stringify(f) };
      return { symbols: { venue: n.venue, symbol: n.symbol, strategy_id: f.strategyId }, fields, tsMs: f.ts };
    });
    if (rows.length > 0) await this.writer().writeRows('fills', rows);
    return QuestDbStore.result(fills.length, rows.length);
  }

  async writeInstruments(instruments: readonly Instrument[]): Promise<void> {
    // constant ts 0 + DEDUP UPSERT KEYS(ts, venue, symbol): insert or replace
    const rows = instruments.map((i) => {
      const n = normSeries(i.venue, i.symbol);
      const fields: Record<string, IlpValue> = { spec: JSON.stringify(i) };
      return { symbols: { venue: n.venue, symbol: n.symbol }, fields, tsMs: 0 };
    });
    if (rows.length > 0) await this.writer().writeRows('instruments', rows);
  }

  async getInstrument(venue: string, symbol: string): Promise<Instrument | undefined> {
    const { dataset } = await this.http.exec(`SELECT spec FROM ${this.p}instruments WHERE venue = ${qstr(venue.toUpperCase())} AND symbol = ${qstr(symbol.toUpperCase())}`);
    const spec = dataset[dataset.length - 1]?.[0];
    return typeof spec === 'string' ? (JSON.parse(spec) as Instrument) : undefined;
  }

  async listInstruments(): Promise<Instrument[]> {
    const { dataset } = await this.http.exec(`SELECT spec FROM ${this.p}instruments ORDER BY venue, symbol`);
    return dataset.map((r) => JSON.parse(cellStr(r[0])) as Instrument);
  }

  async saveBacktestRun(run: BacktestRunRecord): Promise<void> {
    const spec = { ...run, venue: run.venue.toUpperCase(), symbol: run.symbol.toUpperCase() };
    const fields: Record<string, IlpValue> = { id: run.id, created_at: { timestampMs: run.createdAt }, spec: JSON.stringify(spec) };
    await this.writer().writeRows('backtest_runs', [{ symbols: {}, fields, tsMs: 0 }]);
  }

  async listBacktestRuns(): Promise<BacktestRunRecord[]> {
    const { dataset } = await this.http.exec(`SELECT spec FROM ${this.p}backtest_runs ORDER BY created_at DESC, id`);
    return dataset.map((r) => JSON.parse(cellStr(r[0])) as BacktestRunRecord);
  }

  /**
   * Runs one statement of QuestDB SQL (for `libra query --sql`) and returns the rows as objects
   * keyed by column name; timestamps come as QuestDB's ISO text. Table names carry the prefix.
   */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    const { columns, dataset } = await this.http.exec(sql);
    return dataset.map((r) => Object.fromEntries(columns.map((c, i) => [c.name, r[i] ?? null])));
  }

  // ---------------------------------------------------------------- reads

  private static seriesWhere(s: { venue: string; symbol: string }, alias = ''): string {
    return `${alias}venue = ${qstr(s.venue)} AND ${alias}symbol = ${qstr(s.symbol)}`;
  }

  /**
   * Windowed paging over the designated timestamp: the range is read as consecutive windows
   * [lo, hi) sized from the series' density (about `pageRows` rows each), each window fetched in
   * `limit` pages. Each query sorts one window only, so cost and memory stay flat.
   */
  private async *windowed<T>(
    chunkSize: number,
    table: string,
    where: string,
    from: number | undefined,
    to: number | undefined,
    pageSql: (lo: number, hi: number) => string,
    parse: (r: readonly ExecValue[]) => T,
  ): AsyncGenerator<T[]> {
    const range = `${from === undefined ? '' : ` AND ts >= ${qts(from)}`}${to === undefined ? '' : ` AND ts < ${qts(to)}`}`;
    const st = (await this.http.exec(`SELECT count(), min(ts), max(ts) FROM ${this.p}${table} WHERE ${where}${range}`)).dataset[0] ?? [];
    const n = cellNum(st[0]);
    if (!(n > 0)) return;
    const min = tsNum(st[1]);
    const max = tsNum(st[2]);
    const end = to === undefined ? max + 1 : Math.min(Math.trunc(to), max + 1);
    let width = Math.max(1, Math.ceil(((max - min + 1) * this.pageRows) / n));
    let pending: T[] = [];
    for (let lo = min; lo < end; ) {
      const hi = Math.min(end, lo + width);
      let got = 0;
      for await (const rows of this.http.pages(pageSql(lo, hi), this.pageRows)) {
        got += rows.length;
        for (const r of rows) {
          pending.push(parse(r));
          if (pending.length >= chunkSize) {
            yield pending;
            pending = [];
          }
        }
      }
      if (got > 2 * this.pageRows) width = Math.max(1, Math.ceil(width / 2));
      else if (got < this.pageRows / 2) width *= 2;
      lo = hi;
    }
    if (pending.length > 0) yield pending;
  }

  scanBars(q: ScanBarsQuery): AsyncIterable<Bar[]> {
    const s = this.resolve(q.venue, q.symbol);
    if (!s) return empty<Bar>();
    const id = instrumentId(s.symbol, s.venue);
    const tf = Math.trunc(q.timeframeMs);
    const where = `${QuestDbStore.seriesWhere(s)} AND timeframe_ms = ${tf}`;
    // openTime range [from, to) is close-time range [from + tf, to + tf) on the designated ts
    const from = q.from === undefined ? undefined : q.from + tf;
    const to = q.to === undefined ? undefined : q.to + tf;
    return this.windowed<Bar>(
      q.chunkSize ?? DEFAULT_CHUNK_SIZE,
      'bars',
      where,
      from,
      to,
      (lo, hi) => `SELECT ts, open, high, low, close, volume FROM ${this.p}bars WHERE ${where} AND ts >= ${qts(lo)} AND ts < ${qts(hi)} ORDER BY ts`,
      (r) => {
        const ts = tsNum(r[0]);
        return { instrumentId: id, timeframeMs: tf, openTime: ts - tf, ts, open: cellNum(r[1]), high: cellNum(r[2]), low: cellNum(r[3]), close: cellNum(r[4]), volume: cellNum(r[5]) };
      },
    );
  }

  scanTrades(q: ScanTicksQuery): AsyncIterable<TradeTick[]> {
    const s = this.resolve(q.venue, q.symbol);
    if (!s) return empty<TradeTick>();
    const id = instrumentId(s.symbol, s.venue);
    const where = QuestDbStore.seriesWhere(s);
    return this.windowed<TradeTick>(
      q.chunkSize ?? DEFAULT_CHUNK_SIZE,
      'trades',
      where,
      q.from,
      q.to,
      (lo, hi) => `SELECT ts, trade_no, price, size, side, trade_id FROM ${this.p}trades WHERE ${where} AND ts >= ${qts(lo)} AND ts < ${qts(hi)} ORDER BY ts, trade_no, trade_id`,
      (r) => {
        const side = r[4] === 'BUY' || r[4] === 'SELL' ? r[4] : undefined;
        return { instrumentId: id, ts: tsNum(r[0]), price: cellNum(r[2]), size: cellNum(r[3]), tradeId: tradeIdCell(r[1], r[5]), ...(side ? { side } : {}) };
      },
    );
  }

  scanBook(q: ScanTicksQuery): AsyncIterable<BookUpdate[]> {
    void q;
    throw new StoreInputError('reading book levels back from QuestDB is not supported yet: record or import the book into the DuckDB store (the default) to backtest it');
  }

  scanQuotes(q: ScanTicksQuery): AsyncIterable<QuoteTick[]> {
    const s = this.resolve(q.venue, q.symbol);
    if (!s) return empty<QuoteTick>();
    const id = instrumentId(s.symbol, s.venue);
    const where = QuestDbStore.seriesWhere(s);
    return this.windowed<QuoteTick>(
      q.chunkSize ?? DEFAULT_CHUNK_SIZE,
      'quotes',
      where,
      q.from,
      q.to,
      (lo, hi) => `SELECT ts, bid, bid_size, ask, ask_size FROM ${this.p}quotes WHERE ${where} AND ts >= ${qts(lo)} AND ts < ${qts(hi)} ORDER BY ts`,
      (r) => ({ instrumentId: id, ts: tsNum(r[0]), bid: cellNum(r[1]), bidSize: cellNum(r[2]), ask: cellNum(r[3]), askSize: cellNum(r[4]) }),
    );
  }

  /**
   * The trades of one series at the given milliseconds, sorted by (trade_no, trade_id): the rows
   * that decide open/close and as-of matches when several trades share the boundary ms.
   */
  private async tradesAt(s: { venue: string; symbol: string }, times: readonly number[]): Promise<Map<number, TieRow[]>> {
    const out = new Map<number, TieRow[]>();
    const uniq = [...new Set(times)];
    for (let i = 0; i < uniq.length; i += IN_BATCH) {
      const list = uniq.slice(i, i + IN_BATCH).map(qts).join(', ');
      const { dataset } = await this.http.exec(
        `SELECT ts, trade_no, trade_id, price, size FROM ${this.p}trades WHERE ${QuestDbStore.seriesWhere(s)} AND ts IN (${list})`,
      );
      for (const r of dataset) {
        const t = tsNum(r[0]);
        let a = out.get(t);
        if (!a) out.set(t, (a = []));
        a.push({ tradeNo: cellNum(r[1]), tradeId: tradeIdCell(r[1], r[2]), price: cellNum(r[3]), size: cellNum(r[4]) });
      }
    }
    for (const a of out.values()) a.sort(tieCmp);
    return out;
  }

  async *resampleTrades(q: ResampleQuery): AsyncGenerator<Bar[]> {
    const s = this.resolve(q.venue, q.symbol);
    if (!s) return;
    const tf = Math.trunc(q.timeframeMs);
    if (!(tf > 0)) throw new StoreQueryError(`timeframeMs must be a positive integer, got ${q.timeframeMs}`);
    const id = instrumentId(s.symbol, s.venue);
    const chunkSize = q.chunkSize ?? DEFAULT_CHUNK_SIZE;
    // SAMPLE BY gives high/low/volume and each bucket's first/last ms; open/close are then the
    // lowest/highest (trade_no, trade_id) at those ms. Buckets are aligned to the calendar (UTC
    // day), the same as epoch alignment for every timeframe dividing 24 h.
    const sql = `SELECT ts, max(price), min(price), sum(size), min(ts), max(ts) FROM ${this.p}trades
      WHERE ${QuestDbStore.seriesWhere(s)} AND ts >= ${qts(q.from)} AND ts < ${qts(q.to)}
      SAMPLE BY ${tf}T ALIGN TO CALENDAR ORDER BY ts`;
    for await (const rows of this.http.pages(sql, Math.min(this.pageRows, 10 * IN_BATCH))) {
      const ties = await this.tradesAt(s, rows.flatMap((r) => [tsNum(r[4]), tsNum(r[5])]));
      let pending: Bar[] = [];
      for (const r of rows) {
        const openTime = tsNum(r[0]);
        const first = ties.get(tsNum(r[4]));
        const last = ties.get(tsNum(r[5]));
        if (!first?.length || !last?.length) throw new StoreQueryError(`QuestDB resample of ${id}: boundary trades vanished (concurrent delete?)`);
        pending.push({ instrumentId: id, timeframeMs: tf, openTime, ts: openTime + tf, open: first[0]!.price, high: cellNum(r[1]), low: cellNum(r[2]), close: last[last.length - 1]!.price, volume: cellNum(r[3]) });
        if (pending.length >= chunkSize) {
          yield pending;
          pending = [];
        }
      }
      if (pending.length > 0) yield pending;
    }
  }

  asofJoin(q: AsofTradesQuery): AsyncIterable<AsofRow<AsofTradeMatch>[]>;
  asofJoin(q: AsofQuotesQuery): AsyncIterable<AsofRow<AsofQuoteMatch>[]>;
  asofJoin(q: AsofBarsQuery): AsyncIterable<AsofRow<AsofBarMatch>[]>;
  asofJoin(q: AsofQuery): AsyncIterable<AsofRow<AsofTradeMatch | AsofQuoteMatch | AsofBarMatch>[]> {
    return this.asofRun(q);
  }

  private async *asofRun(q: AsofQuery): AsyncGenerator<AsofRow<AsofTradeMatch | AsofQuoteMatch | AsofBarMatch>[]> {
    const p = this.p;
    const chunkSize = q.chunkSize ?? DEFAULT_CHUNK_SIZE;
    let left: string;
    let order: string;
    let extra = '';
    let temp: string | undefined;
    let sorted: readonly { idx: number; ts: number; venue: string; symbol: string }[] = [];
    let one: { venue: string; symbol: string } | undefined;
    if (!isSignalTable(q.signals)) {
      // inline signals go to a throw-away table with a designated ts, dropped after the join
      // one resolve per distinct (venue, symbol) of the call, not per signal
      // (the previous signal's series is reused without a look-up: signals come in runs)
      const seen = new Map<string, { venue: string; symbol: string }>();
      let prev: { venue: string | undefined; symbol: string; s: { venue: string; symbol: string } } | undefined;
      const sig = q.signals.map((r, i) => {
        if (!Number.isFinite(r.ts)) throw new StoreQueryError(`signals[${i}]: ts must be a number of ms, got ${r.ts}`);
        if (!prev || prev.venue !== r.venue || prev.symbol !== r.symbol) {
          const key = `${r.venue ?? ''}\u0000${r.symbol}`;
          let s = seen.get(key);
          if (!s) {
            const res = this.resolve(r.venue, r.symbol);
            seen.set(key, (s = { venue: res?.venue ?? r.venue?.toUpperCase() ?? '', symbol: res?.symbol ?? r.symbol.toUpperCase() }));
          }
          prev = { venue: r.venue, symbol: r.symbol, s };
        }
        return { idx: i, ts: Math.trunc(r.ts), venue: prev.s.venue, symbol: prev.s.symbol };
      });
      if (sig.length === 0) return;
      const name = `asof_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      temp = `${p}${name}`;
      // a WAL table (ILP/HTTP refuses non-WAL tables) filled by one ILP request, then read once
      // applied: multi-row INSERTs through /exec cost one HTTP round trip per 250 signals
      // as-of trades of ONE series: the scratch table has no series columns and the join no keys
      const s0 = sig[0]!;
      one = q.with === 'trades' && sig.every((x) => x.venue === s0.venue && x.symbol === s0.symbol) ? { venue: s0.venue, symbol: s0.symbol } : undefined;
      await this.http.exec(`CREATE TABLE ${temp} (ts TIMESTAMP, idx LONG${one ? '' : ', venue SYMBOL, symbol SYMBOL'}) TIMESTAMP(ts) PARTITION BY YEAR WAL`);
      sorted = [...sig].sort((a, b) => a.ts - b.ts || a.idx - b.idx);
      try {
        // idx = the signal's position in (ts, index) order: output order, and chunks by range
        await this.writer().writeAsofSignals(name, sorted, one !== undefined);
        await this.waitApplied(60_000, q.with === 'trades' ? [temp, `${p}trade_batches`] : [temp]);
      } catch (err) {
        // the join never starts: drop the scratch table here (the finally below is not reached)
        await this.http.exec(`DROP TABLE IF EXISTS ${temp}`).catch(() => undefined);
        throw err;
      }
      left = `${temp} s`;
      order = 's.ts, s.idx';
      if (q.with === 'trades') {
        try {
          yield* this.asofTradesInline(temp, sorted, chunkSize, one);
        } finally {
          await this.http.exec(`DROP TABLE IF EXISTS ${temp}`).catch(() => undefined);
        }
        return;
      }
    } else {
      const t = q.signals;
      if (t.table !== 'signals') throw new StoreQueryError(`asofJoin reads signals from table 'signals' only`);
      const conds: string[] = [];
      if (t.strategyId !== undefined) conds.push(`strategy_id = ${qstr(t.strategyId)}`);
      if (t.name !== undefined) conds.push(`name = ${qstr(t.name)}`);
      if (t.symbol !== undefined) {
        const res = this.resolve(t.venue, t.symbol);
        if (!res) return;
        conds.push(QuestDbStore.seriesWhere(res));
      } else if (t.venue !== undefined) conds.push(`venue = ${qstr(t.venue.toUpperCase())}`);
      if (t.from !== undefined) conds.push(`ts >= ${qts(t.from)}`);
      if (t.to !== undefined) conds.push(`ts < ${qts(t.to)}`);
      left = `(SELECT ts, venue, symbol, strategy_id, name, value FROM ${p}signals${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}) s`;
      order = 's.ts, s.strategy_id, s.name, s.venue, s.symbol';
      extra = ', s.strategy_id, s.name, s.value';
    }
    // ASOF JOIN: for each left row, the last right row with ts ≤ left ts and equal (venue, symbol)
    let right: string;
    let cols: string;
    if (q.with === 'bars') {
      right = `(SELECT ts, venue, symbol, open, high, low, close, volume FROM ${p}bars WHERE timeframe_ms = ${Math.trunc(q.timeframeMs)})`;
      cols = 'm.ts, m.open, m.high, m.low, m.close, m.volume';
    } else if (q.with === 'trades') {
      right = `(SELECT ts, venue, symbol, price, size, trade_id, trade_no FROM ${p}trades)`;
      cols = 'm.ts, m.price, m.size, m.trade_id, m.trade_no';
    } else {
      right = `(SELECT ts, venue, symbol, bid, bid_size, ask, ask_size FROM ${p}quotes)`;
      cols = 'm.ts, m.bid, m.bid_size, m.ask, m.ask_size';
    }
    const idxCol = temp ? 's.idx' : '0';
    const sql = `SELECT ${idxCol}, s.ts, s.venue, s.symbol${extra}, ${cols} FROM ${left} ASOF JOIN ${right} m ON (venue, symbol) ORDER BY ${order}`;
    const base = extra ? 7 : 4;
    let position = 0;
    try {
      for await (const page of this.http.pages(sql, this.pageRows)) {
        // same-ms trades: the match is the highest (trade_no, trade_id) at the matched ms
        const ties = new Map<string, Map<number, TieRow[]>>();
        if (q.with === 'trades') {
          const bySeries = new Map<string, number[]>();
          for (const r of page) {
            const mt = tsCell(r[base]);
            if (mt === null) continue;
            const k = `${cellStr(r[2])}\u0000${cellStr(r[3])}`;
            let a = bySeries.get(k);
            if (!a) bySeries.set(k, (a = []));
            a.push(mt);
          }
          for (const [k, times] of bySeries) {
            const [venue, symbol] = k.split('\u0000') as [string, string];
            ties.set(k, await this.tradesAt({ venue, symbol }, times));
          }
        }
        let pending: AsofRow<AsofTradeMatch | AsofQuoteMatch | AsofBarMatch>[] = [];
        for (const r of page) {
          const venue = cellStr(r[2]);
          const symbol = cellStr(r[3]);
          const mt = tsCell(r[base]);
          let match: AsofTradeMatch | AsofQuoteMatch | AsofBarMatch | null = null;
          if (mt !== null) {
            const c = (k: number): number => cellNum(r[base + k]);
            if (q.with === 'bars') {
              const tf = Math.trunc(q.timeframeMs);
              match = { instrumentId: instrumentId(symbol, venue), timeframeMs: tf, openTime: mt - tf, ts: mt, open: c(1), high: c(2), low: c(3), close: c(4), volume: c(5) };
            } else if (q.with === 'trades') {
              const at = ties.get(`${venue}\u0000${symbol}`)?.get(mt);
              const best = at?.[at.length - 1];
              match = best ? { ts: mt, price: best.price, size: best.size, tradeId: best.tradeId } : { ts: mt, price: c(1), size: c(2), tradeId: tradeIdCell(r[base + 4], r[base + 3]) };
            } else {
              match = { ts: mt, bid: c(1), bidSize: c(2), ask: c(3), askSize: c(4) };
            }
          }
          pending.push({
            index: temp ? (sorted[cellNum(r[0])]?.idx ?? -1) : position,
            ts: tsNum(r[1]),
            venue,
            symbol,
            ...(extra ? { strategyId: cellStr(r[4]), name: cellStr(r[5]), value: cellNum(r[6]) } : {}),
            match,
          });
          position++;
          if (pending.length >= chunkSize) {
            yield pending;
            pending = [];
          }
        }
        if (pending.length > 0) yield pending;
      }
    } finally {
      if (temp) await this.http.exec(`DROP TABLE IF EXISTS ${temp}`).catch(() => undefined);
    }
  }

  /** Per series (`VENUE\0SYMBOL`), the milliseconds whose same-ms trades need a tie-break at read time. */
  private async unsafeTradeRanges(): Promise<Map<string, UnsafeRanges>> {
    const by = new Map<string, { first: number; last: number; mixed: boolean }[]>();
    const { dataset } = await this.http.exec(`SELECT venue, symbol, cast(ts AS LONG), cast(last_ts AS LONG), mixed FROM ${this.p}trade_batches`);
    for (const r of dataset) {
      const k = `${cellStr(r[0])}\u0000${cellStr(r[1])}`;
      let a = by.get(k);
      if (!a) by.set(k, (a = []));
      a.push({ first: usToMs(r[2]), last: usToMs(r[3]), mixed: r[4] === true });
    }
    return new Map([...by].map(([k, v]) => [k, unsafeRanges(v)]));
  }

  /**
   * As-of trades for inline signals (already in the scratch table `temp`, idx = position in
   * `sorted`): ONE plain ASOF JOIN per chunk of signals, as bare SQL would run it. Its row is the
   * last trade in storage order at the matched millisecond, which is the highest (trade_no,
   * trade_id) when every trade of that millisecond came in one batch: QuestDB keeps a commit's
   * same-ms rows in key order and the store sends batches sorted (`sortTrades`). Matches in a
   * millisecond that several batches cover (from `trade_batches`) are re-read: a few through
   * `tradesAt`, many (a replayed range, or data older than the batch table) through one hash
   * join of the chunk's matches with the trades. Rows come as numbers (timestamps as LONG µs).
   */
  private async *asofTradesInline(
    temp: string,
    sorted: readonly { idx: number; ts: number; venue: string; symbol: string }[],
    chunkSize: number,
    one: { venue: string; symbol: string } | undefined,
  ): AsyncGenerator<AsofRow<AsofTradeMatch>[]> {
    const p = this.p;
    const unsafe = await this.unsafeTradeRanges();
    // one series: the right side filtered to it, no join keys; else keyed ON (venue, symbol)
    const series = one ? ` WHERE ${QuestDbStore.seriesWhere(one)}` : '';
    const on = one ? '' : ' ON (venue, symbol)';
    const keys = one ? '' : 'venue, symbol, ';
    for (let lo = 0; lo < sorted.length; lo += this.pageRows) {
      const hi = Math.min(sorted.length, lo + this.pageRows);
      const n = hi - lo;
      const mts = new Float64Array(n).fill(Number.NaN);
      const no = new Float64Array(n);
      const price = new Float64Array(n);
      const size = new Float64Array(n);
      const ids = new Array<string>(n);
      const whole = lo === 0 && hi === sorted.length;
      const left = whole ? `${temp} s` : `(SELECT * FROM ${temp} WHERE idx >= ${lo} AND idx < ${hi}) s`;
      const { dataset } = await this.http.exec(
        `SELECT s.idx, cast(m.ts AS LONG), m.trade_no, m.trade_id, m.price, m.size FROM ${left} ASOF JOIN (SELECT ts, ${keys}trade_no, trade_id, price, size FROM ${p}trades${series}) m${on}`,
      );
      const fix: number[] = [];
      for (const r of dataset) {
        const k = cellNum(r[0]) - lo;
        if (!(k >= 0 && k < n)) throw new StoreQueryError(`QuestDB as-of join returned signal ${cellNum(r[0])} outside the chunk [${lo}, ${hi})`);
        if (r[1] === null) continue;
        const t = usToMs(r[1]);
        mts[k] = t;
        no[k] = cellNum(r[2]);
        ids[k] = tradeIdCell(r[2], r[3]);
        price[k] = cellNum(r[4]);
        size[k] = cellNum(r[5]);
        const sg = sorted[lo + k]!;
        if (unsafe.size > 0 && inRanges(unsafe.get(`${sg.venue}\u0000${sg.symbol}`), t)) fix.push(k);
      }
      const take = (k: number, row: TieRow): void => {
        no[k] = row.tradeNo;
        ids[k] = row.tradeId;
        price[k] = row.price;
        size[k] = row.size;
      };
      if (fix.length > FIXUP_MAX) {
        // many multi-batch matches: every trade at each matched ms, the highest (trade_no, trade_id) wins
        const lastTs = sorted[hi - 1]!.ts;
        const best = new Map<number, TieRow>();
        const { dataset: all } = await this.http.exec(
          one
            ? `SELECT a.idx, t.trade_no, t.trade_id, t.price, t.size FROM ${p}trades t
          JOIN (SELECT s.idx, m.ts mts FROM ${left} ASOF JOIN (SELECT ts FROM ${p}trades${series}) m) a ON t.ts = a.mts
          WHERE ${QuestDbStore.seriesWhere(one, 't.')} AND t.ts <= ${qts(lastTs)}`
            : `SELECT a.idx, t.trade_no, t.trade_id, t.price, t.size FROM ${p}trades t
          JOIN (SELECT s.idx, m.ts mts, s.venue, s.symbol FROM ${left} ASOF JOIN (SELECT ts, venue, symbol FROM ${p}trades) m ON (venue, symbol)) a
          ON t.ts = a.mts AND t.venue = a.venue AND t.symbol = a.symbol
          WHERE t.ts <= ${qts(lastTs)}`,
        );
        for (const r of all) {
          const k = cellNum(r[0]) - lo;
          const row = { tradeNo: cellNum(r[1]), tradeId: tradeIdCell(r[1], r[2]), price: cellNum(r[3]), size: cellNum(r[4]) };
          const cur = best.get(k);
          if (!cur || tieCmp(row, cur) > 0) best.set(k, row);
        }
        for (const [k, row] of best) take(k, row);
      } else if (fix.length > 0) {
        const bySeries = new Map<string, number[]>();
        for (const k of fix) {
          const sg = sorted[lo + k]!;
          const key = `${sg.venue}\u0000${sg.symbol}`;
          let a = bySeries.get(key);
          if (!a) bySeries.set(key, (a = []));
          a.push(k);
        }
        for (const [key, ks] of bySeries) {
          const [venue, symbol] = key.split('\u0000') as [string, string];
          const at = await this.tradesAt({ venue, symbol }, ks.map((k) => mts[k]!));
          for (const k of ks) {
            const rows = at.get(mts[k]!);
            if (rows?.length) take(k, rows[rows.length - 1]!);
          }
        }
      }
      let pending: AsofRow<AsofTradeMatch>[] = [];
      for (let k = 0; k < n; k++) {
        const sgn = sorted[lo + k]!;
        const t = mts[k]!;
        pending.push({ index: sgn.idx, ts: sgn.ts, venue: sgn.venue, symbol: sgn.symbol, match: Number.isNaN(t) ? null : { ts: t, price: price[k]!, size: size[k]!, tradeId: ids[k]! } });
        if (pending.length >= chunkSize) {
          yield pending;
          pending = [];
        }
      }
      if (pending.length > 0) yield pending;
    }
  }

  async listSeries(): Promise<SeriesInfo[]> {
    const out: SeriesInfo[] = [];
    const p = this.p;
    for (const r of (await this.http.exec(`SELECT venue, symbol, timeframe_ms, min(ts), max(ts), count() FROM ${p}bars GROUP BY venue, symbol, timeframe_ms`)).dataset) {
      out.push({ venue: cellStr(r[0]), symbol: cellStr(r[1]), kind: 'bars', timeframeMs: cellNum(r[2]), first: tsNum(r[3]), last: tsNum(r[4]), rows: cellNum(r[5]) });
    }
    for (const kind of ['trades', 'quotes', 'book', 'signals'] as const) {
      for (const r of (await this.http.exec(`SELECT venue, symbol, min(ts), max(ts), count() FROM ${p}${kind} GROUP BY venue, symbol`)).dataset) {
        out.push({ venue: cellStr(r[0]), symbol: cellStr(r[1]), kind, first: tsNum(r[2]), last: tsNum(r[3]), rows: cellNum(r[4]) });
      }
    }
    const order: readonly SeriesKind[] = ['bars', 'trades', 'quotes', 'book', 'signals'];
    return out.sort(
      (a, b) => a.venue.localeCompare(b.venue) || a.symbol.localeCompare(b.symbol) || order.indexOf(a.kind) - order.indexOf(b.kind) || (a.timeframeMs ?? 0) - (b.timeframeMs ?? 0),
    );
  }
}

async function* empty<T>(): AsyncGenerator<T[]> {
  // nothing stored for this series
}

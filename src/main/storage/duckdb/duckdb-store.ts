/**
 * The embedded, default TimeSeriesStore: one DuckDB file `<dataDir>/libra.duckdb`.
 *
 * Writes: one writer connection, serialised by a queue. A batch is validated in JS, bulk-loaded
 * by a second (stager) connection into its own table of an in-memory staging database (Appender
 * + DataChunks), and moved into the keyed table by one INSERT … SELECT inside a single writer
 * transaction — all-or-nothing, and durable once the call resolves (DuckDB's WAL; see the SIGKILL
 * test). Loading outside the writer's queue lets batch k+1 be staged on the JS thread while
 * DuckDB's threads still insert batch k (the recorder keeps two batches in flight).
 *
 * Idempotency on the hot tables (bars, trades, quotes) without a PRIMARY KEY index: per series
 * the store knows the newest stored time M (it is the only writer: DuckDB locks the file). Rows
 * after M cannot exist yet and go straight in; rows at or before M are anti-joined against the
 * stored rows of [batch min, M] only, which zone maps make a small read. Measured on this path:
 * ~5x the rows/s of INSERT … ON CONFLICT over an ART key (see migrations/001_init.ts).
 *
 * Reads: each scan gets its own connection (DuckDB MVCC: a long scan never blocks the writer)
 * and pages through consecutive time windows (one ORDER BY per window, see `windowed`), so
 * memory stays flat over any range instead of DuckDB sorting the whole range at once.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckDBValue } from '@duckdb/node-api';
import type { Instrument } from '../../../shared/domain/instrument';
import { instrumentId } from '../../../shared/domain/instrument';
import type { Fill, Order } from '../../../shared/domain/order';
import type { Bar, BookLevel, BookUpdate, QuoteTick, TradeTick } from '../../../shared/messages/market-data';
import { checkSchemaVersion, pendingMigrations } from '../migrations';
import type {
  AsofBarMatch,
  AsofBarsQuery,
  AsofQuery,
  AsofQuotesQuery,
  AsofTradesQuery,
  AsofQuoteMatch,
  AsofRow,
  AsofSignalRow,
  AsofTradeMatch,
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
import { DEFAULT_CHUNK_SIZE, isSignalTable, StoreInputError, StoreQueryError } from '../store';
import { checkBars, checkBook, checkQuotes, checkTrades, normSeries, numericTradeId, splitInstrumentId } from '../validate';
import { appendStaging, forEachChunk, readDoubles, stagingDdl } from './staging';
import type { StageColumn, StageType } from './staging';

export interface DuckDbStoreOptions {
  /** Folder holding `libra.duckdb`; created if missing. */
  readonly dataDir: string;
  /** Rows aimed at per internal page (time window) of a range scan (default 100 000). */
  readonly pageRows?: number;
  /** DuckDB settings passed at open (e.g. `{ threads: '4', memory_limit: '2GB' }`). */
  readonly duckdb?: Readonly<Record<string, string>>;
}

interface Series {
  readonly sid: number;
  readonly venue: string;
  readonly symbol: string;
}

const num = (v: DuckDBValue | undefined): number => (typeof v === 'number' ? v : Number(v));
const str = (v: DuckDBValue | undefined): string => (v === null || v === undefined ? '' : String(v));
/** The in-memory database hot batches are staged in (see `stage`). */
const STAGE_DB = 'libra_stage';
const sqlStr = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export class DuckDbStore implements TimeSeriesStore {
  /** Path of the database file. */
  readonly path: string;
  private instance: DuckDBInstance | undefined;
  private writer: DuckDBConnection | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly seriesByKey = new Map<string, Series>();
  private readonly seriesBySid = new Map<number, Series>();
  private nextSid = 1;
  /** Newest stored time per hot series (`trades:3`, `bars:3:60000`…); see the module doc. */
  private readonly maxTime = new Map<string, number>();
  private readonly readers = new Set<DuckDBConnection>();
  private readonly pageRows: number;
  /** The connection that bulk-loads hot batches into the in-memory staging database. */
  private stager: DuckDBConnection | undefined;
  private stageQueue: Promise<unknown> = Promise.resolve();
  private stageSeq = 0;

  constructor(private readonly options: DuckDbStoreOptions) {
    this.path = join(options.dataDir, 'libra.duckdb');
    this.pageRows = options.pageRows ?? 100_000;
  }

  async open(): Promise<void> {
    if (this.instance) return;
    mkdirSync(this.options.dataDir, { recursive: true });
    const instance = await DuckDBInstance.create(this.path, { ...this.options.duckdb });
    const conn = await instance.connect();
    try {
      await this.migrate(conn);
      const rows = (await conn.runAndReadAll('SELECT sid, venue, symbol FROM series')).getRows();
      for (const r of rows) this.remember({ sid: num(r[0]), venue: str(r[1]), symbol: str(r[2]) });
      await conn.run(`ATTACH ':memory:' AS ${STAGE_DB}`);
    } catch (err) {
      conn.closeSync();
      instance.closeSync();
      throw err;
    }
    this.instance = instance;
    this.writer = conn;
    this.stager = await instance.connect();
  }

  async close(): Promise<void> {
    const instance = this.instance;
    if (!instance) return;
    await this.queue.catch(() => undefined);
    await this.stageQueue.catch(() => undefined);
    for (const r of this.readers) r.closeSync();
    this.readers.clear();
    this.stager?.closeSync();
    this.stager = undefined;
    this.writer?.closeSync();
    this.writer = undefined;
    this.instance = undefined;
    instance.closeSync();
  }

  // ---------------------------------------------------------------- schema

  private async migrate(conn: DuckDBConnection): Promise<void> {
    await conn.run(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at BIGINT NOT NULL)`);
    const stored = num((await conn.runAndReadAll('SELECT coalesce(max(version), 0) FROM schema_version')).getRows()[0]?.[0]);
    checkSchemaVersion(this.path, stored);
    for (const m of pendingMigrations(stored)) {
      await conn.run('BEGIN TRANSACTION');
      try {
        for (const sql of m.up) await conn.run(sql);
        await conn.run(`INSERT INTO schema_version VALUES (${m.version}, ${sqlStr(m.name)}, ${Date.now()})`);
        await conn.run('COMMIT');
      } catch (err) {
        await conn.run('ROLLBACK');
        throw err;
      }
    }
  }

  // ---------------------------------------------------------------- plumbing

  private conn(): DuckDBConnection {
    if (!this.writer) throw new StoreQueryError(`store ${this.path} is not open — call open() first`);
    return this.writer;
  }

  /** Runs `fn` alone on the writer connection (writes and small reads are serialised). */
  private exclusive<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const c = this.conn();
    const run = this.queue.then(() => fn(c));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** `fn` inside BEGIN … COMMIT on the writer; ROLLBACK (and rethrow) on any error. */
  private tx<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.exclusive(async (c) => {
      await c.run('BEGIN TRANSACTION');
      try {
        const out = await fn(c);
        await c.run('COMMIT');
        return out;
      } catch (err) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  private remember(s: Series): void {
    this.seriesByKey.set(`${s.venue}\u0000${s.symbol}`, s);
    this.seriesBySid.set(s.sid, s);
    this.nextSid = Math.max(this.nextSid, s.sid + 1);
  }

  /** The series id, registered (in its own tiny committed transaction) when new. */
  private async sidFor(venue: string, symbol: string): Promise<number> {
    const n = normSeries(venue, symbol);
    const known = this.seriesByKey.get(`${n.venue}\u0000${n.symbol}`);
    if (known) return known.sid;
    return this.exclusive(async (c) => {
      const again = this.seriesByKey.get(`${n.venue}\u0000${n.symbol}`);
      if (again) return again.sid;
      const sid = this.nextSid;
      await c.run(`INSERT INTO series VALUES (${sid}, ${sqlStr(n.venue)}, ${sqlStr(n.symbol)})`);
      this.remember({ sid, venue: n.venue, symbol: n.symbol });
      return sid;
    });
  }

  /** Resolves a read's (venue?, symbol); undefined when nothing is stored for it. */
  private resolve(venue: string | undefined, symbol: string): Series | undefined {
    const sym = symbol.toUpperCase();
    if (venue !== undefined) return this.seriesByKey.get(`${venue.toUpperCase()}\u0000${sym}`);
    const matches = [...this.seriesBySid.values()].filter((s) => s.symbol === sym);
    if (matches.length > 1) {
      throw new StoreQueryError(`symbol ${sym} is stored for several venues (${matches.map((m) => m.venue).join(', ')}); pass venue`);
    }
    return matches[0];
  }

  private async storedMax(c: DuckDBConnection, key: string, sql: string): Promise<number> {
    const cached = this.maxTime.get(key);
    if (cached !== undefined) return cached;
    const v = (await c.runAndReadAll(sql)).getRows()[0]?.[0];
    const m = v === null || v === undefined ? -Infinity : num(v);
    this.maxTime.set(key, m);
    return m;
  }

  /**
   * Bulk-loads one batch into a fresh table of the in-memory staging database on the stager
   * connection (one load at a time) and resolves to its name. It runs outside the writer's
   * queue: while the writer moves batch k into the keyed table (DuckDB's threads), the JS thread
   * already loads batch k+1. The staging database is not durable and need not be: the batch
   * becomes durable only by the writer's INSERT … SELECT and COMMIT.
   */
  private stage(cols: readonly (readonly [string, StageType])[], rows: number, columns: readonly StageColumn[]): Promise<string> {
    const c = this.stager;
    if (!c) return Promise.reject(new StoreQueryError(`store ${this.path} is not open — call open() first`));
    const name = `b${++this.stageSeq}`;
    const run = this.stageQueue.then(async () => {
      await c.run(`CREATE TABLE ${STAGE_DB}.${name} (${cols.map(([n, t]) => `${n} ${t}`).join(', ')})`);
      try {
        await appendStaging(c, name, rows, columns, STAGE_DB);
      } catch (err) {
        await c.run(`DROP TABLE IF EXISTS ${STAGE_DB}.${name}`).catch(() => undefined);
        throw err;
      }
      return name;
    });
    this.stageQueue = run.catch(() => undefined);
    return run;
  }

  /** Drops a staged batch once the writer is done with it (on the stager, after its next load at worst). */
  private unstage(name: string): void {
    const c = this.stager;
    if (!c) return;
    this.stageQueue = this.stageQueue.then(() => c.run(`DROP TABLE IF EXISTS ${STAGE_DB}.${name}`)).catch(() => undefined);
  }

  /**
   * The shared hot-table write: stage, then move new rows in. `keyCols` compares a staged row
   * (alias s, staging types) with a stored one (alias t); `sortedUnique` says the JS side proved
   * the batch has no duplicate key (no DISTINCT needed).
   */
  private async hotWrite(p: {
    /** The staging table's columns, in the order of `columns`. */
    readonly stageCols: readonly (readonly [string, StageType])[];
    readonly columns: readonly StageColumn[];
    readonly rows: number;
    readonly target: string;
    readonly select: string;
    /** Key columns as [stored column, expression over the staged row `s`]. */
    readonly keyCols: readonly (readonly [string, string])[];
    readonly timeCol: string;
    readonly seriesFilter: string;
    readonly maxKey: string;
    readonly maxSql: string;
    readonly minTs: number;
    readonly maxTs: number;
    readonly sortedUnique: boolean;
  }): Promise<WriteResult> {
    if (p.rows === 0) return { inserted: 0, ignored: 0 };
    const staged = await this.stage(p.stageCols, p.rows, p.columns);
    const table = `${STAGE_DB}.${staged}`;
    let newMax = -Infinity;
    let inserted: number;
    try {
      inserted = await this.tx(async (c) => {
        const m = await this.storedMax(c, p.maxKey, p.maxSql);
        const src = p.sortedUnique ? table : `(SELECT DISTINCT ON (${p.keyCols.map(([, e]) => e).join(', ')}) * FROM ${table} s)`;
        let where = '';
        if (p.minTs <= m) {
          const eq = p.keyCols.map(([col, e]) => `t.${col} = ${e}`).join(' AND ');
          where = ` WHERE s.${p.timeCol} > ${m} OR NOT EXISTS (SELECT 1 FROM ${p.target} t WHERE ${p.seriesFilter} AND t.${p.timeCol} BETWEEN ${p.minTs} AND ${m} AND ${eq})`;
        }
        const res = await c.run(`INSERT INTO ${p.target} SELECT ${p.select} FROM ${src} s${where}`);
        newMax = Math.max(m, p.maxTs);
        return res.rowsChanged;
      });
    } finally {
      this.unstage(staged);
    }
    // only after COMMIT: a rolled-back batch must not move the known maximum
    this.maxTime.set(p.maxKey, newMax);
    return { inserted, ignored: p.rows - inserted };
  }

  // ---------------------------------------------------------------- hot writes

  async writeTrades(venue: string, symbol: string, trades: readonly TradeTick[]): Promise<WriteResult> {
    const n = normSeries(venue, symbol);
    checkTrades(n.id, trades);
    if (trades.length === 0) return { inserted: 0, ignored: 0 };
    const sid = await this.sidFor(n.venue, n.symbol);
    const len = trades.length;
    const ts = new Float64Array(len);
    const no = new Float64Array(len);
    const price = new Float64Array(len);
    const size = new Float64Array(len);
    const side = new Int8Array(len);
    let ids: (string | null)[] | undefined;
    let minTs = Infinity;
    let maxTs = -Infinity;
    let sortedUnique = true;
    let prevTs = -1;
    let prevNo = -2;
    let prevId = '';
    for (let i = 0; i < len; i++) {
      const t = trades[i]!;
      const k = numericTradeId(t.tradeId);
      ts[i] = t.ts;
      no[i] = k;
      // string ids only when the batch has any: a VARCHAR column costs a native call per row
      if (k < 0 && !ids) ids = new Array<string | null>(len).fill(null);
      if (ids) ids[i] = k >= 0 ? null : t.tradeId;
      price[i] = t.price;
      size[i] = t.size;
      side[i] = t.side === 'BUY' ? 1 : t.side === 'SELL' ? -1 : 0;
      if (t.ts < minTs) minTs = t.ts;
      if (t.ts > maxTs) maxTs = t.ts;
      // strictly increasing (ts, trade_no, trade_id) proves no duplicate key in the batch
      const idStr = k >= 0 ? '' : t.tradeId;
      if (t.ts < prevTs || (t.ts === prevTs && (k < prevNo || (k === prevNo && idStr <= prevId)))) sortedUnique = false;
      prevTs = t.ts;
      prevNo = k;
      prevId = idStr;
    }
    const typed: [string, StageType][] = [['ts', 'BIGINT'], ['trade_no', 'BIGINT'], ['price', 'DOUBLE'], ['size', 'DOUBLE'], ['side', 'TINYINT']];
    const idExpr = ids ? "coalesce(s.trade_id, '')" : "''";
    return this.hotWrite({
      stageCols: ids ? [...typed, ['trade_id', 'VARCHAR']] : typed,
      columns: [{ bigint: ts }, { bigint: no }, price, size, side, ...(ids ? [ids] : [])],
      rows: len,
      target: 'trades',
      select: `${sid}, s.ts, s.trade_no, ${idExpr}, s.price, s.size, nullif(s.side, 0)`,
      // numeric-only batches: a stored row with trade_no ≥ 0 always has trade_id '', so (ts, trade_no) is the key
      keyCols: ids ? [['ts', 's.ts'], ['trade_no', 's.trade_no'], ['trade_id', idExpr]] : [['ts', 's.ts'], ['trade_no', 's.trade_no']],
      timeCol: 'ts',
      seriesFilter: `t.sid = ${sid}`,
      maxKey: `trades:${sid}`,
      maxSql: `SELECT max(ts) FROM trades WHERE sid = ${sid}`,
      minTs,
      maxTs,
      sortedUnique,
    });
  }

  async writeBars(venue: string, symbol: string, timeframeMs: number, bars: readonly Bar[]): Promise<WriteResult> {
    const n = normSeries(venue, symbol);
    checkBars(n.id, timeframeMs, bars);
    if (bars.length === 0) return { inserted: 0, ignored: 0 };
    const sid = await this.sidFor(n.venue, n.symbol);
    const len = bars.length;
    const cols = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(len));
    const [ot, o, h, l, cl, v] = cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    let minTs = Infinity;
    let maxTs = -Infinity;
    let sortedUnique = true;
    for (let i = 0; i < len; i++) {
      const b = bars[i]!;
      ot[i] = b.openTime;
      o[i] = b.open;
      h[i] = b.high;
      l[i] = b.low;
      cl[i] = b.close;
      v[i] = b.volume;
      if (i > 0 && b.openTime <= ot[i - 1]!) sortedUnique = false;
      minTs = Math.min(minTs, b.openTime);
      maxTs = Math.max(maxTs, b.openTime);
    }
    return this.hotWrite({
      stageCols: ['open_time', 'open', 'high', 'low', 'close', 'volume'].map((c) => [c, 'DOUBLE'] as const),
      columns: cols,
      rows: len,
      target: 'bars',
      select: `${sid}, ${timeframeMs}, s.open_time::BIGINT, s.open_time::BIGINT + ${timeframeMs}, s.open, s.high, s.low, s.close, s.volume`,
      keyCols: [['open_time', 's.open_time']],
      timeCol: 'open_time',
      seriesFilter: `t.sid = ${sid} AND t.timeframe_ms = ${timeframeMs}`,
      maxKey: `bars:${sid}:${timeframeMs}`,
      maxSql: `SELECT max(open_time) FROM bars WHERE sid = ${sid} AND timeframe_ms = ${timeframeMs}`,
      minTs,
      maxTs,
      sortedUnique,
    });
  }

  async writeQuotes(venue: string, symbol: string, quotes: readonly QuoteTick[]): Promise<WriteResult> {
    const n = normSeries(venue, symbol);
    checkQuotes(n.id, quotes);
    if (quotes.length === 0) return { inserted: 0, ignored: 0 };
    const sid = await this.sidFor(n.venue, n.symbol);
    const len = quotes.length;
    const cols = [0, 1, 2, 3, 4].map(() => new Float64Array(len));
    const [ts, b, bs, a, as] = cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    let minTs = Infinity;
    let maxTs = -Infinity;
    let sortedUnique = true;
    for (let i = 0; i < len; i++) {
      const q = quotes[i]!;
      ts[i] = q.ts;
      b[i] = q.bid;
      bs[i] = q.bidSize;
      a[i] = q.ask;
      as[i] = q.askSize;
      // same-ms quotes are legal; proving uniqueness cheaply needs strictly increasing ts
      if (i > 0 && q.ts <= ts[i - 1]!) sortedUnique = false;
      minTs = Math.min(minTs, q.ts);
      maxTs = Math.max(maxTs, q.ts);
    }
    return this.hotWrite({
      stageCols: ['ts', 'bid', 'bid_size', 'ask', 'ask_size'].map((c) => [c, 'DOUBLE'] as const),
      columns: cols,
      rows: len,
      target: 'quotes',
      select: `${sid}, s.ts::BIGINT, s.bid, s.bid_size, s.ask, s.ask_size`,
      keyCols: [['ts', 's.ts'], ['bid', 's.bid'], ['bid_size', 's.bid_size'], ['ask', 's.ask'], ['ask_size', 's.ask_size']],
      timeCol: 'ts',
      seriesFilter: `t.sid = ${sid}`,
      maxKey: `quotes:${sid}`,
      maxSql: `SELECT max(ts) FROM quotes WHERE sid = ${sid}`,
      minTs,
      maxTs,
      sortedUnique,
    });
  }

  // ---------------------------------------------------------------- keyed (low-volume) writes

  /** Prepared INSERT OR IGNORE per row inside one transaction: fine for hundreds/thousands of rows. */
  private async keyedInsert(table: string, width: number, rows: readonly (readonly DuckDBValue[])[]): Promise<WriteResult> {
    if (rows.length === 0) return { inserted: 0, ignored: 0 };
    const inserted = await this.tx(async (c) => {
      const ps = await c.prepare(`INSERT OR IGNORE INTO ${table} VALUES (${Array.from({ length: width }, (_, i) => `$${i + 1}`).join(', ')})`);
      try {
        let count = 0;
        for (const r of rows) {
          ps.bind([...r]);
          count += (await ps.run()).rowsChanged;
        }
        return count;
      } finally {
        ps.destroySync();
      }
    });
    return { inserted, ignored: rows.length - inserted };
  }

  async writeBook(venue: string, symbol: string, updates: readonly BookUpdate[]): Promise<WriteResult> {
    const n = normSeries(venue, symbol);
    checkBook(n.id, updates);
    if (updates.length === 0) return { inserted: 0, ignored: 0 };
    const sid = await this.sidFor(n.venue, n.symbol);
    // lists go in as JSON text cast by DuckDB: one bind per row instead of one per level
    const rows = updates.map((u) => [
      sid,
      BigInt(u.ts),
      BigInt(u.sequence),
      u.action,
      JSON.stringify(u.bids.map((l) => l.price)),
      JSON.stringify(u.bids.map((l) => l.size)),
      JSON.stringify(u.asks.map((l) => l.price)),
      JSON.stringify(u.asks.map((l) => l.size)),
    ]);
    if (rows.length === 0) return { inserted: 0, ignored: 0 };
    const inserted = await this.tx(async (c) => {
      const ps = await c.prepare(`INSERT OR IGNORE INTO book VALUES ($1, $2, $3, $4, $5::DOUBLE[], $6::DOUBLE[], $7::DOUBLE[], $8::DOUBLE[])`);
      try {
        let count = 0;
        for (const r of rows) {
          ps.bind(r);
          count += (await ps.run()).rowsChanged;
        }
        return count;
      } finally {
        ps.destroySync();
      }
    });
    return { inserted, ignored: rows.length - inserted };
  }

  async writeSignals(signals: readonly SignalRecord[]): Promise<WriteResult> {
    if (signals.length === 0) return { inserted: 0, ignored: 0 };
    const len = signals.length;
    const ts = new Float64Array(len);
    const val = new Float64Array(len);
    const sids = new Float64Array(len);
    const strat: string[] = new Array<string>(len);
    const names: string[] = new Array<string>(len);
    for (let i = 0; i < len; i++) {
      const s = signals[i]!;
      if (!Number.isSafeInteger(s.ts) || s.ts < 0) throw new StoreInputError(`signals[${i}]: ts must be a non-negative integer of ms — batch refused, nothing written`);
      if (!Number.isFinite(s.value)) throw new StoreInputError(`signals[${i}]: value must be finite — batch refused, nothing written`);
      if (!s.strategyId || !s.name) throw new StoreInputError(`signals[${i}]: strategyId and name are required — batch refused, nothing written`);
      normSeries(s.venue, s.symbol);
    }
    for (let i = 0; i < len; i++) {
      const s = signals[i]!;
      ts[i] = s.ts;
      val[i] = s.value;
      sids[i] = await this.sidFor(s.venue, s.symbol);
      strat[i] = s.strategyId;
      names[i] = s.name;
    }
    const inserted = await this.tx(async (c) => {
      await c.run(stagingDdl('stg_signals', ['ts', 'value', 'sid'], ['strategy_id', 'name']));
      await c.run('DELETE FROM stg_signals');
      await appendStaging(c, 'stg_signals', len, [ts, val, sids, strat, names]);
      const res = await c.run(
        `INSERT OR IGNORE INTO signals SELECT DISTINCT ON (strategy_id, name, sid, ts) strategy_id, name, sid::INTEGER, ts::BIGINT, value FROM stg_signals`,
      );
      await c.run('DELETE FROM stg_signals');
      return res.rowsChanged;
    });
    return { inserted, ignored: len - inserted };
  }

  async writeOrders(orders: readonly Order[]): Promise<WriteResult> {
    const rows: DuckDBValue[][] = [];
    for (const o of orders) {
      const { venue, symbol } = splitInstrumentId(o.instrumentId);
      const sid = await this.sidFor(venue, symbol);
      const big = (v: number | undefined): DuckDBValue => (v === undefined ? null : BigInt(Math.trunc(v)));
      rows.push([
        o.clientOrderId, o.venueOrderId ?? null, o.strategyId, sid, o.side, o.type, big(o.quantityRaw), big(o.priceRaw),
        big(o.triggerPriceRaw), o.timeInForce, big(o.expireTime), o.postOnly, o.reduceOnly, o.status, big(o.filledRaw), o.avgPx,
        big(o.createdAt), big(o.updatedAt), o.reason ?? null, o.tags ? JSON.stringify(o.tags) : null,
      ]);
    }
    return this.keyedInsert('orders', 20, rows);
  }

  async writeFills(fills: readonly Fill[]): Promise<WriteResult> {
    const rows: DuckDBValue[][] = [];
    for (const f of fills) {
      const { venue, symbol } = splitInstrumentId(f.instrumentId);
      const sid = await this.sidFor(venue, symbol);
      rows.push([
        f.tradeId, f.clientOrderId, f.venueOrderId ?? null, f.strategyId, sid, f.side, BigInt(f.quantityRaw), BigInt(f.priceRaw),
        BigInt(f.feeRaw), f.feeCurrency, f.feePrecision, f.liquidity, BigInt(f.ts),
      ]);
    }
    return this.keyedInsert('fills', 13, rows);
  }

  async writeInstruments(instruments: readonly Instrument[]): Promise<void> {
    await this.tx(async (c) => {
      for (const i of instruments) {
        const n = normSeries(i.venue, i.symbol);
        const tick = i.tickRaw / 10 ** i.pricePrecision;
        const lot = i.lotRaw / 10 ** i.sizePrecision;
        await c.run(`INSERT OR REPLACE INTO instruments VALUES ($1, $2, $3, $4, $5)`, [n.venue, n.symbol, JSON.stringify(i), tick, lot]);
      }
    });
  }

  async getInstrument(venue: string, symbol: string): Promise<Instrument | undefined> {
    const rows = await this.exclusive((c) =>
      c.runAndReadAll(`SELECT spec FROM instruments WHERE venue = $1 AND symbol = $2`, [venue.toUpperCase(), symbol.toUpperCase()]),
    );
    const spec = rows.getRows()[0]?.[0];
    return typeof spec === 'string' ? (JSON.parse(spec) as Instrument) : undefined;
  }

  async listInstruments(): Promise<Instrument[]> {
    const rows = await this.exclusive((c) => c.runAndReadAll(`SELECT spec FROM instruments ORDER BY venue, symbol`));
    return rows.getRows().map((r) => JSON.parse(str(r[0])) as Instrument);
  }

  async saveBacktestRun(run: BacktestRunRecord): Promise<void> {
    await this.tx((c) =>
      c.run(`INSERT OR REPLACE INTO backtest_runs VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
        run.id, BigInt(run.createdAt), run.strategyId, run.venue.toUpperCase(), run.symbol.toUpperCase(),
        run.timeframeMs === undefined ? null : BigInt(run.timeframeMs), BigInt(run.from), BigInt(run.to),
        JSON.stringify(run.params), JSON.stringify(run.stats),
      ]),
    );
  }

  async listBacktestRuns(): Promise<BacktestRunRecord[]> {
    const reader = await this.exclusive((c) =>
      c.runAndReadAll(`SELECT id, created_at::DOUBLE, strategy_id, venue, symbol, timeframe_ms::DOUBLE, from_ts::DOUBLE, to_ts::DOUBLE, params, stats
        FROM backtest_runs ORDER BY created_at DESC, id`),
    );
    return reader.getRows().map((r) => ({
      id: str(r[0]),
      createdAt: num(r[1]),
      strategyId: str(r[2]),
      venue: str(r[3]),
      symbol: str(r[4]),
      ...(r[5] === null ? {} : { timeframeMs: num(r[5]) }),
      from: num(r[6]),
      to: num(r[7]),
      params: JSON.parse(str(r[8])) as Record<string, unknown>,
      stats: JSON.parse(str(r[9])) as Record<string, unknown>,
    }));
  }

  /**
   * Runs raw SQL on the store (for `libra query`, research, benches) and returns the rows as
   * plain JSON values. It may write: the store then forgets what it knew of stored maxima.
   */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.exclusive((c) => c.runAndReadAll(sql));
    this.maxTime.clear();
    const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
    const series = (await this.exclusive((c) => c.runAndReadAll('SELECT sid, venue, symbol FROM series'))).getRows();
    for (const r of series) if (!this.seriesBySid.has(num(r[0]))) this.remember({ sid: num(r[0]), venue: str(r[1]), symbol: str(r[2]) });
    return rows;
  }

  /** The series id of (venue, symbol), registering it when new (for SQL that fills hot tables). */
  seriesId(venue: string, symbol: string): Promise<number> {
    return this.sidFor(venue, symbol);
  }

  // ---------------------------------------------------------------- reads

  /** A fresh connection for one read; closed when the read ends (or the store closes). */
  private async reader(): Promise<DuckDBConnection> {
    if (!this.instance) throw new StoreQueryError(`store ${this.path} is not open — call open() first`);
    const c = await this.instance.connect();
    this.readers.add(c);
    return c;
  }

  private release(c: DuckDBConnection): void {
    if (this.readers.delete(c)) c.closeSync();
  }

  /**
   * Windowed paging: the range is read as consecutive time windows [lo, hi), each one query
   * with ORDER BY inside the window only. Zone maps make each window touch only its row groups,
   * so memory and per-page cost stay flat however long the range (a `WHERE t > last ORDER BY t
   * LIMIT n` cursor re-sorts everything after the cursor on every page: measured 2 GB RSS for
   * 10 M bars). The window width starts from the series' density and adapts to keep pages near
   * `pageRows`.
   */
  private async *windowed<T>(
    chunkSize: number,
    statsSql: string,
    from: number | undefined,
    to: number | undefined,
    page: (c: DuckDBConnection, lo: number, hi: number) => Promise<Page<T>>,
  ): AsyncGenerator<T[]> {
    const c = await this.reader();
    // the next page is read (DuckDB's threads filter and sort it) while the caller consumes this one
    let next: Promise<Page<T>> | undefined;
    try {
      const st = (await c.runAndReadAll(statsSql)).getRows()[0] ?? [];
      const n = num(st[0]);
      if (!(n > 0)) return;
      const min = num(st[1]);
      const max = num(st[2]);
      const end = to === undefined ? max + 1 : Math.min(Math.trunc(to), max + 1);
      let width = Math.max(1, Math.ceil(((max - min + 1) * this.pageRows) / n));
      let pending: T[] = [];
      let lo = min;
      let hi = Math.min(end, lo + width);
      next = page(c, lo, hi);
      while (next) {
        const rows = await next;
        next = undefined;
        if (rows.length > 2 * this.pageRows) width = Math.max(1, Math.ceil(width / 2));
        else if (rows.length < this.pageRows / 2) width *= 2;
        lo = hi;
        if (lo < end) {
          hi = Math.min(end, lo + width);
          next = page(c, lo, hi);
        }
        // rows become objects only here, one chunk at a time, so they die young
        for (let i = 0; i < rows.length; ) {
          pending.push(rows.at(i++));
          if (pending.length >= chunkSize) {
            yield pending;
            pending = [];
          }
        }
      }
      if (pending.length > 0) yield pending;
    } finally {
      // a caller that stops early: let the page in flight end before the connection closes
      await next?.catch(() => undefined);
      this.release(c);
    }
  }

  private static range(col: string, from: number | undefined, to: number | undefined): string {
    return `${from === undefined ? '' : ` AND ${col} >= ${Math.trunc(from)}`}${to === undefined ? '' : ` AND ${col} < ${Math.trunc(to)}`}`;
  }

  scanBars(q: ScanBarsQuery): AsyncIterable<Bar[]> {
    const s = this.resolve(q.venue, q.symbol);
    if (!s) return empty<Bar>();
    const id = instrumentId(s.symbol, s.venue);
    const tf = Math.trunc(q.timeframeMs);
    const range = DuckDbStore.range('open_time', q.from, q.to);
    const where = `sid = ${s.sid} AND timeframe_ms = ${tf}${range}`;
    return this.windowed<Bar>(q.chunkSize ?? DEFAULT_CHUNK_SIZE, `SELECT count(*)::DOUBLE, min(open_time)::DOUBLE, max(open_time)::DOUBLE FROM bars WHERE ${where}`, q.from, q.to, (c, lo, hi) =>
      inOrder(async (ordered) => {
        const buf = new ColumnBuffer(6);
        let prev = -Infinity;
        let sorted = true;
        await forEachChunk(
          c,
          `SELECT open_time::DOUBLE, open, high, low, close, volume FROM bars
           WHERE ${where} AND open_time >= ${lo} AND open_time < ${hi}${ordered ? ' ORDER BY open_time' : ''}`,
          6,
          (cols, n) => {
            const ot = cols[0]!;
            for (let i = 0; i < n && sorted; i++) {
              if (ot[i]! <= prev) sorted = false;
              prev = ot[i]!;
            }
            buf.append(cols, n);
          },
        );
        if (!sorted && !ordered) return undefined;
        const [ot, o, h, l, cl, v] = buf.columns() as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
        return {
          length: buf.length,
          at: (i: number): Bar => {
            const openTime = ot[i]!;
            return { instrumentId: id, timeframeMs: tf, openTime, ts: openTime + tf, open: o[i]!, high: h[i]!, low: l[i]!, close: cl[i]!, volume: v[i]! };
          },
        };
      }),
    );
  }

  scanTrades(q: ScanTicksQuery): AsyncIterable<TradeTick[]> {
    const s = this.resolve(q.venue, q.symbol);
    if (!s) return empty<TradeTick>();
    const id = instrumentId(s.symbol, s.venue);
    const range = DuckDbStore.range('ts', q.from, q.to);
    const where = `sid = ${s.sid}${range}`;
    return this.windowed<TradeTick>(q.chunkSize ?? DEFAULT_CHUNK_SIZE, `SELECT count(*)::DOUBLE, min(ts)::DOUBLE, max(ts)::DOUBLE FROM trades WHERE ${where}`, q.from, q.to, (c, lo, hi) =>
      inOrder(async (ordered) => {
        const buf = new ColumnBuffer(5);
        const ids = new Map<number, string>();
        let prevTs = -Infinity;
        let prevNo = -1;
        let sorted = true;
        await forEachChunk(
          c,
          `SELECT ts::DOUBLE, trade_no::DOUBLE, price, size, side::DOUBLE, trade_id FROM trades
           WHERE ${where} AND ts >= ${lo} AND ts < ${hi}${ordered ? ' ORDER BY ts, trade_no, trade_id' : ''}`,
          5,
          (cols, n, chunk) => {
            const ts = cols[0]!;
            const no = cols[1]!;
            // the VARCHAR id is read only where the id is not numeric (trade_no < 0)
            const tid = chunk.getColumnVector(5);
            for (let i = 0; i < n; i++) {
              const t = ts[i]!;
              const k = no[i]!;
              // proven in key order: ts rising, or the same ms with a rising numeric id (string
              // ids at the same ms are left to DuckDB's ORDER BY)
              if (t < prevTs || (t === prevTs && (k <= prevNo || prevNo < 0))) sorted = false;
              prevTs = t;
              prevNo = k;
              if (k < 0) ids.set(buf.length + i, str(tid.getItem(i)));
            }
            buf.append(cols, n);
          },
        );
        if (!sorted && !ordered) return undefined;
        const [ts, no, px, sz, sd] = buf.columns() as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
        return {
          length: buf.length,
          at: (i: number): TradeTick => {
            const k = no[i]!;
            const side = sd[i] === 1 ? 'BUY' : sd[i] === -1 ? 'SELL' : undefined;
            return { instrumentId: id, ts: ts[i]!, price: px[i]!, size: sz[i]!, tradeId: k >= 0 ? String(k) : (ids.get(i) ?? ''), ...(side ? { side } : {}) };
          },
        };
      }),
    );
  }

  scanBook(q: ScanTicksQuery): AsyncIterable<BookUpdate[]> {
    const s = this.resolve(q.venue, q.symbol);
    if (!s) return empty<BookUpdate>();
    const id = instrumentId(s.symbol, s.venue);
    const range = DuckDbStore.range('ts', q.from, q.to);
    const where = `sid = ${s.sid}${range}`;
    return this.windowed<BookUpdate>(q.chunkSize ?? DEFAULT_CHUNK_SIZE, `SELECT count(*)::DOUBLE, min(ts)::DOUBLE, max(ts)::DOUBLE FROM book WHERE ${where}`, q.from, q.to, async (c, lo, hi) => {
      const rows: BookUpdate[] = [];
      // the level lists come out as JSON text: one string per list instead of one value per level
      await forEachChunk(
        c,
        `SELECT ts::DOUBLE, sequence::DOUBLE, action, to_json(bid_px)::VARCHAR, to_json(bid_sz)::VARCHAR, to_json(ask_px)::VARCHAR, to_json(ask_sz)::VARCHAR FROM book
         WHERE ${where} AND ts >= ${lo} AND ts < ${hi} ORDER BY ts, sequence, action DESC`,
        2,
        ([ts, sq], n, chunk) => {
          const cols = [2, 3, 4, 5, 6].map((k) => chunk.getColumnVector(k));
          for (let i = 0; i < n; i++) {
            const [action, bp, bz, ap, az] = cols.map((v) => str(v.getItem(i)));
            rows.push({ instrumentId: id, ts: ts![i]!, sequence: sq![i]!, action: action === 'SNAPSHOT' ? 'SNAPSHOT' : 'DELTA', bids: levelsOf(bp, bz), asks: levelsOf(ap, az) });
          }
        },
      );
      return eager(rows);
    });
  }

  scanQuotes(q: ScanTicksQuery): AsyncIterable<QuoteTick[]> {
    const s = this.resolve(q.venue, q.symbol);
    if (!s) return empty<QuoteTick>();
    const id = instrumentId(s.symbol, s.venue);
    const range = DuckDbStore.range('ts', q.from, q.to);
    const where = `sid = ${s.sid}${range}`;
    // rowid orders same-ms quotes by arrival; stable because the store never deletes quotes
    return this.windowed<QuoteTick>(q.chunkSize ?? DEFAULT_CHUNK_SIZE, `SELECT count(*)::DOUBLE, min(ts)::DOUBLE, max(ts)::DOUBLE FROM quotes WHERE ${where}`, q.from, q.to, async (c, lo, hi) => {
      const rows: QuoteTick[] = [];
      await forEachChunk(
        c,
        `SELECT ts::DOUBLE, bid, bid_size, ask, ask_size FROM quotes
         WHERE ${where} AND ts >= ${lo} AND ts < ${hi} ORDER BY ts, rowid`,
        5,
        ([ts, b, bs, a, as], n) => {
          for (let i = 0; i < n; i++) rows.push({ instrumentId: id, ts: ts![i]!, bid: b![i]!, bidSize: bs![i]!, ask: a![i]!, askSize: as![i]! });
        },
      );
      return eager(rows);
    });
  }

  async *resampleTrades(q: ResampleQuery): AsyncGenerator<Bar[]> {
    const s = this.resolve(q.venue, q.symbol);
    if (!s) return;
    const tf = Math.trunc(q.timeframeMs);
    if (!(tf > 0)) throw new StoreQueryError(`timeframeMs must be a positive integer, got ${q.timeframeMs}`);
    const id = instrumentId(s.symbol, s.venue);
    const chunkSize = q.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const c = await this.reader();
    try {
      const result = await c.stream(await DuckDbStore.resampleSql(c, s.sid, tf, DuckDbStore.range('ts', q.from, q.to)));
      let pending: Bar[] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const [ot, o, h, l, cl, v] = chunk.getColumns() as number[][];
        for (let i = 0; i < chunk.rowCount; i++) {
          const openTime = ot![i]!;
          pending.push({ instrumentId: id, timeframeMs: tf, openTime, ts: openTime + tf, open: o![i]!, high: h![i]!, low: l![i]!, close: cl![i]!, volume: v![i]! });
        }
        if (pending.length >= chunkSize) {
          yield pending;
          pending = [];
        }
      }
      if (pending.length > 0) yield pending;
    } finally {
      this.release(c);
    }
  }

  /**
   * The resample query. open/close are the first/last trade by (ts, trade_no, trade_id), which
   * must be deterministic when trades share a ms. A struct key `(ts, trade_no, trade_id)` costs
   * ~2x a plain `arg_min(price, ts)` (string compares), so when every trade in range has a
   * numeric id (trade_no ≥ 0) the order is packed into one BIGINT: offset of ts inside its bucket
   * (< tf) times 2^(62 - bits(tf)) plus (trade_no - min trade_no) — exact whenever the id span
   * fits the remaining bits (else a HUGEINT key (ts, trade_no), still no strings). Buckets are
   * `ts // tf` (ts ≥ 0 is checked; negative times keep the general path).
   */
  private static async resampleSql(c: DuckDBConnection, sid: number, tf: number, range: string): Promise<string> {
    const where = `WHERE sid = ${sid}${range}`;
    const st = (await c.runAndReadAll(`SELECT min(trade_no)::DOUBLE, max(trade_no)::DOUBLE, min(ts)::DOUBLE FROM trades ${where}`)).getRows()[0] ?? [];
    const minNo = num(st[0]);
    const maxNo = num(st[1]);
    const minTs = num(st[2]);
    const tail = `max(price), min(price)`;
    if (minNo >= 0 && minTs >= 0 && tf < 2 ** 31) {
      const bits = Math.ceil(Math.log2(tf + 1));
      const span = 2 ** (62 - bits);
      const key =
        maxNo - minNo < span
          ? `(ts - (ts // ${tf}) * ${tf}) * ${span} + (trade_no - ${minNo})`
          : `ts::HUGEINT * 9007199254740992 + trade_no`;
      return `SELECT ((ts // ${tf}) * ${tf})::DOUBLE AS open_time, arg_min(price, ${key}), ${tail}, arg_max(price, ${key}), sum(size)
        FROM trades ${where} GROUP BY ts // ${tf} ORDER BY 1`;
    }
    return `SELECT (ts - ((ts % ${tf}) + ${tf}) % ${tf})::DOUBLE AS open_time,
        arg_min(price, (ts, trade_no, trade_id)), ${tail}, arg_max(price, (ts, trade_no, trade_id)), sum(size)
      FROM trades ${where} GROUP BY 1 ORDER BY 1`;
  }

  asofJoin(q: AsofTradesQuery): AsyncIterable<AsofRow<AsofTradeMatch>[]>;
  asofJoin(q: AsofQuotesQuery): AsyncIterable<AsofRow<AsofQuoteMatch>[]>;
  asofJoin(q: AsofBarsQuery): AsyncIterable<AsofRow<AsofBarMatch>[]>;
  asofJoin(q: AsofQuery): AsyncIterable<AsofRow<AsofTradeMatch | AsofQuoteMatch | AsofBarMatch>[]> {
    return this.asofRun(q);
  }

  private async *asofRun(q: AsofQuery): AsyncGenerator<AsofRow<AsofTradeMatch | AsofQuoteMatch | AsofBarMatch>[]> {
    const chunkSize = q.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const c = await this.reader();
    try {
      // 1. the signals, as a temp table sig(idx, sid, ts[, strategy_id, name, value])
      let extra = '';
      const inline: readonly AsofSignalRow[] = isSignalTable(q.signals) ? [] : q.signals;
      if (!isSignalTable(q.signals)) {
        const rows = inline;
        const len = rows.length;
        const idx = new Float64Array(len);
        const sid = new Float64Array(len);
        const ts = new Float64Array(len);
        for (let i = 0; i < len; i++) {
          const r = rows[i]!;
          if (!Number.isFinite(r.ts)) throw new StoreQueryError(`signals[${i}]: ts must be a number of ms, got ${r.ts}`);
          idx[i] = i;
          // unknown symbols get sid -1: they match nothing and come back with match null
          sid[i] = this.resolve(r.venue, r.symbol)?.sid ?? -1;
          ts[i] = Math.trunc(r.ts);
        }
        await c.run(stagingDdl('sig_raw', ['idx', 'sid', 'ts']));
        await appendStaging(c, 'sig_raw', len, [idx, sid, ts]);
        await c.run(`CREATE TEMP TABLE sig AS SELECT idx::BIGINT AS idx, sid::INTEGER AS sid, ts::BIGINT AS ts FROM sig_raw`);
      } else {
        const t = q.signals;
        if (t.table !== 'signals') throw new StoreQueryError(`asofJoin reads signals from table 'signals' only`);
        const conds: string[] = [];
        if (t.strategyId !== undefined) conds.push(`strategy_id = ${sqlStr(t.strategyId)}`);
        if (t.name !== undefined) conds.push(`name = ${sqlStr(t.name)}`);
        if (t.symbol !== undefined) conds.push(`sid = ${this.resolve(t.venue, t.symbol)?.sid ?? -1}`);
        else if (t.venue !== undefined) {
          const v = t.venue.toUpperCase();
          const sids = [...this.seriesBySid.values()].filter((s) => s.venue === v).map((s) => s.sid);
          conds.push(`sid IN (${[-1, ...sids].join(', ')})`);
        }
        const where = `WHERE true${conds.map((x) => ` AND ${x}`).join('')}${DuckDbStore.range('ts', t.from, t.to)}`;
        await c.run(
          `CREATE TEMP TABLE sig AS SELECT (row_number() OVER (ORDER BY ts, strategy_id, name, sid) - 1) AS idx, sid, ts, strategy_id, name, value
           FROM signals ${where}`,
        );
        extra = ', s.strategy_id, s.name, s.value';
      }
      // 2. the join. ASOF picks the last row with time ≤ signal time per sid; rows sharing that
      // ms are then ordered by their id (trades) or arrival (quotes) so the answer is deterministic
      let sql: string;
      if (q.with === 'bars') {
        const tf = Math.trunc(q.timeframeMs);
        sql = `SELECT s.idx::DOUBLE, s.sid::DOUBLE, s.ts::DOUBLE${extra}, b.open_time::DOUBLE, b.open, b.high, b.low, b.close, b.volume
          FROM sig s ASOF LEFT JOIN (SELECT sid, ts, open_time, open, high, low, close, volume FROM bars WHERE timeframe_ms = ${tf}) b
          ON s.sid = b.sid AND s.ts >= b.ts ORDER BY s.ts, s.idx`;
      } else if (q.with === 'trades') {
        // the matched ms per signal, then ONE row per matched (sid, ms): the highest (trade_no,
        // trade_id) there — an aggregate over the few trades at matched ms instead of a window
        // over every (signal, trade) pair
        const k = '(x.trade_no, x.trade_id)';
        sql = `WITH m AS (SELECT s.*, t.ts AS mts FROM sig s ASOF LEFT JOIN (SELECT sid, ts FROM trades) t ON s.sid = t.sid AND s.ts >= t.ts),
          x AS (SELECT x.sid, x.ts, arg_max(x.price, ${k}) AS price, arg_max(x.size, ${k}) AS size, arg_max(x.trade_no, ${k}) AS trade_no,
              arg_max(x.trade_id, ${k}) AS trade_id FROM trades x WHERE x.ts IN (SELECT mts FROM m) GROUP BY x.sid, x.ts)
          SELECT s.idx::DOUBLE, s.sid::DOUBLE, s.ts::DOUBLE${extra}, x.ts::DOUBLE, x.price, x.size, x.trade_no::DOUBLE, x.trade_id
          FROM m s LEFT JOIN x ON x.sid = s.sid AND x.ts = s.mts
          ORDER BY s.ts, s.idx`;
      } else {
        sql = `WITH m AS (SELECT s.*, t.ts AS mts FROM sig s ASOF LEFT JOIN (SELECT sid, ts FROM quotes) t ON s.sid = t.sid AND s.ts >= t.ts)
          SELECT s.idx::DOUBLE, s.sid::DOUBLE, s.ts::DOUBLE${extra}, x.ts::DOUBLE, x.bid, x.bid_size, x.ask, x.ask_size
          FROM m s LEFT JOIN (SELECT x.*, x.rowid AS rid FROM quotes x SEMI JOIN m ON x.sid = m.sid AND x.ts = m.mts) x ON x.sid = s.sid AND x.ts = s.mts
          QUALIFY row_number() OVER (PARTITION BY s.idx ORDER BY x.rid DESC) = 1
          ORDER BY s.ts, s.idx`;
      }
      const result = await c.stream(sql);
      const base = extra ? 6 : 3;
      // every column is DOUBLE (read from the vectors' typed views, NULL as NaN) except
      // strategy_id/name and the trade id, read per item where needed
      const text = new Set<number>(extra ? [3, 4] : []);
      if (q.with === 'trades') text.add(base + 4);
      const tf = q.with === 'bars' ? Math.trunc(q.timeframeMs) : 0;
      let pending: AsofRow<AsofTradeMatch | AsofQuoteMatch | AsofBarMatch>[] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        const n = chunk?.rowCount ?? 0;
        if (!chunk || n === 0) break;
        const cols: Float64Array[] = [];
        const empty = new Float64Array(0);
        for (let k = 0; k < chunk.columnCount; k++) cols.push(text.has(k) ? empty : readDoubles(chunk.getColumnVector(k), n));
        const text$ = (k: number, i: number): string => str(chunk.getColumnVector(k).getItem(i));
        const idxs = cols[0]!;
        const mts = cols[base]!;
        const v1 = cols[base + 1]!;
        const v2 = cols[base + 2]!;
        const v3 = cols[base + 3]!;
        for (let i = 0; i < n; i++) {
          const index = idxs[i]!;
          const series = this.seriesBySid.get(cols[1]![i]!);
          const venue = series?.venue ?? inline[index]?.venue?.toUpperCase() ?? '';
          const symbol = series?.symbol ?? inline[index]?.symbol.toUpperCase() ?? '';
          const t0 = mts[i]!;
          let match: AsofTradeMatch | AsofQuoteMatch | AsofBarMatch | null = null;
          if (t0 === t0) {
            if (q.with === 'bars') {
              match = { instrumentId: instrumentId(symbol, venue), timeframeMs: tf, openTime: t0, ts: t0 + tf, open: v1[i]!, high: v2[i]!, low: v3[i]!, close: cols[base + 4]![i]!, volume: cols[base + 5]![i]! };
            } else if (q.with === 'trades') {
              const k = v3[i]!;
              match = { ts: t0, price: v1[i]!, size: v2[i]!, tradeId: k >= 0 ? String(k) : text$(base + 4, i) };
            } else {
              match = { ts: t0, bid: v1[i]!, bidSize: v2[i]!, ask: v3[i]!, askSize: cols[base + 4]![i]! };
            }
          }
          pending.push({
            index,
            ts: cols[2]![i]!,
            venue,
            symbol,
            ...(extra ? { strategyId: text$(3, i), name: text$(4, i), value: cols[5]![i]! } : {}),
            match,
          });
          if (pending.length >= chunkSize) {
            yield pending;
            pending = [];
          }
        }
      }
      if (pending.length > 0) yield pending;
    } finally {
      this.release(c);
    }
  }

  async listSeries(): Promise<SeriesInfo[]> {
    const reader = await this.exclusive((c) =>
      c.runAndReadAll(`
        SELECT 'bars' AS kind, sid, timeframe_ms::DOUBLE AS tf, min(ts)::DOUBLE, max(ts)::DOUBLE, count(*)::DOUBLE FROM bars GROUP BY sid, timeframe_ms
        UNION ALL SELECT 'trades', sid, NULL, min(ts)::DOUBLE, max(ts)::DOUBLE, count(*)::DOUBLE FROM trades GROUP BY sid
        UNION ALL SELECT 'quotes', sid, NULL, min(ts)::DOUBLE, max(ts)::DOUBLE, count(*)::DOUBLE FROM quotes GROUP BY sid
        UNION ALL SELECT 'book', sid, NULL, min(ts)::DOUBLE, max(ts)::DOUBLE, count(*)::DOUBLE FROM book GROUP BY sid
        UNION ALL SELECT 'signals', sid, NULL, min(ts)::DOUBLE, max(ts)::DOUBLE, count(*)::DOUBLE FROM signals GROUP BY sid`),
    );
    const out: SeriesInfo[] = [];
    for (const r of reader.getRows()) {
      const s = this.seriesBySid.get(num(r[1]));
      if (!s) continue;
      out.push({
        venue: s.venue,
        symbol: s.symbol,
        kind: str(r[0]) as SeriesKind,
        ...(r[2] === null ? {} : { timeframeMs: num(r[2]) }),
        first: num(r[3]),
        last: num(r[4]),
        rows: num(r[5]),
      });
    }
    const order: readonly SeriesKind[] = ['bars', 'trades', 'quotes', 'book', 'signals'];
    return out.sort(
      (a, b) => a.venue.localeCompare(b.venue) || a.symbol.localeCompare(b.symbol) || order.indexOf(a.kind) - order.indexOf(b.kind) || (a.timeframeMs ?? 0) - (b.timeframeMs ?? 0),
    );
  }
}

/**
 * One page read in key order, cheaply when it can be: first without ORDER BY (rows come back in
 * insertion order, DuckDB's default `preserve_insertion_order`; the recorder appends in time
 * order, so that is usually key order already, and the sort was half a scan's cost), and `read`
 * checks the order while it builds the rows. When the check fails (`undefined`: rows written
 * out of order), the page is read again with ORDER BY.
 */
async function inOrder<T>(read: (ordered: boolean) => Promise<Page<T> | undefined>): Promise<Page<T>> {
  const rows = (await read(false)) ?? (await read(true));
  if (!rows) throw new StoreQueryError('a page read with ORDER BY came back out of order');
  return rows;
}

/** One page of a scan: its rows built on demand (`windowed` builds them chunk by chunk). */
interface Page<T> {
  readonly length: number;
  at(i: number): T;
}

const eager = <T>(rows: readonly T[]): Page<T> => ({ length: rows.length, at: (i) => rows[i]! });

/**
 * A page's numeric columns copied out of DuckDB's chunks into growing Float64Arrays: off the JS
 * heap, so a 100 k-row page costs the garbage collector nothing until its rows are built (as
 * objects, a page outgrew the young generation and every scan paid for old-generation GCs).
 */
class ColumnBuffer {
  private cols: Float64Array[];
  length = 0;
  constructor(width: number) {
    this.cols = Array.from({ length: width }, () => new Float64Array(4096));
  }
  append(src: readonly Float64Array[], n: number): void {
    if (this.length + n > this.cols[0]!.length) {
      const cap = Math.max(2 * this.cols[0]!.length, this.length + n);
      this.cols = this.cols.map((c) => {
        const g = new Float64Array(cap);
        g.set(c.subarray(0, this.length));
        return g;
      });
    }
    for (let k = 0; k < this.cols.length; k++) this.cols[k]!.set(src[k]!.subarray(0, n), this.length);
    this.length += n;
  }
  columns(): readonly Float64Array[] {
    return this.cols;
  }
}

/** Book levels from the JSON text of a price list and a size list. */
function levelsOf(prices: string | undefined, sizes: string | undefined): BookLevel[] {
  const px = JSON.parse(prices ?? '[]') as number[];
  const sz = JSON.parse(sizes ?? '[]') as number[];
  return px.map((price, i) => ({ price, size: sz[i] ?? 0 }));
}

async function* empty<T>(): AsyncGenerator<T[]> {
  // nothing stored for this series
}

/**
 * Parquet files (NautilusTrader catalogs, Tardis and pandas exports, freqtrade's trades) read
 * through DuckDB's built-in Parquet reader, streamed chunk by chunk in the file's row order.
 * Columns are recognised by name as in a CSV header (csv.ts ROLE_ALIASES): bars need time, open,
 * high, low, close (volume optional); trades need time, price and size, with the aggressor from a
 * side column or from Binance's `is_buyer_maker` (the buyer was the maker: the seller took).
 * Times may be TIMESTAMP columns, epoch numbers (s, ms, µs or ns) or text. DuckDB is loaded only
 * when a Parquet file is read. Errors name the file and the row, never a value of it.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mapHeader } from './csv';
import type { ColumnMap, ColumnRole } from './csv';
import { ImportError } from './errors';
import type { RawBar, RawTrade } from './records';
import { fail, num, parseSide } from './records';
import { epochToMs, parseTimestamp } from './timestamps';

export interface ParquetColumn {
  readonly name: string;
  readonly type: string;
}

const BUYER_MAKER = ['isbuyermaker', 'buyermaker', 'm'];

interface Opened {
  readonly conn: DuckDBConnection;
  readonly db: DuckDBInstance;
}

async function open(): Promise<Opened> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  return { db, conn: await db.connect() };
}

function close(o: Opened): void {
  o.conn.closeSync();
  o.db.closeSync();
}

const quoted = (path: string): string => `'${path.replaceAll("'", "''")}'`;
const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** DuckDB's own message names the path and what is wrong with the file; keep only that it is unreadable. */
function unreadable(path: string, error: unknown): ImportError {
  const m = error instanceof Error ? error.message : String(error);
  const why = /magic bytes|not a parquet file|too small to be a Parquet file/i.test(m) ? 'not a Parquet file' : /No files found|does not exist|No such file/i.test(m) ? 'file not found' : 'cannot read this Parquet file';
  return new ImportError(path, why, undefined, 'line', { cause: error });
}

async function describe(o: Opened, path: string): Promise<ParquetColumn[]> {
  try {
    const r = await o.conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoted(path)})`);
    return r.getRows().map((row) => ({ name: String(row[0]), type: String(row[1]) }));
  } catch (error) {
    throw unreadable(path, error);
  }
}

/** The columns of a Parquet file, from its footer. */
export async function parquetSchema(path: string): Promise<ParquetColumn[]> {
  const o = await open();
  try {
    return await describe(o, path);
  } finally {
    close(o);
  }
}

/** Whether the columns make bars, trades or neither (then the error says which column is missing). */
export function parquetKind(path: string, columns: readonly ParquetColumn[]): 'bars' | 'trades' {
  const names = columns.map((c) => c.name);
  const fits = (roles: readonly ColumnRole[]): boolean => {
    try {
      mapHeader(path, names, ',', roles, []);
      return true;
    } catch {
      return false;
    }
  };
  if (fits(['time', 'open', 'high', 'low', 'close'])) return 'bars';
  if (fits(['time', 'price', 'size'])) return 'trades';
  throw new ImportError(path, `the Parquet columns (${columns.length}) name neither bars (time, open, high, low, close, volume) nor trades (time, price, amount)`);
}

/** SQL for one column as a JS-friendly value: times as epoch ms (DOUBLE) or text, numbers as DOUBLE. */
function timeExpr(c: ParquetColumn): string {
  if (/^TIMESTAMP|^DATE/i.test(c.type)) return `epoch_ms(${ident(c.name)}::TIMESTAMP)::DOUBLE`;
  if (/INT|DOUBLE|FLOAT|DECIMAL|REAL/i.test(c.type)) return `${ident(c.name)}::DOUBLE`;
  return `${ident(c.name)}::VARCHAR`;
}

function timeOf(path: string, at: number, v: unknown, isEpochMs: boolean): number {
  const t = typeof v === 'number' ? (isEpochMs ? v : epochToMs(v)) : typeof v === 'string' ? parseTimestamp(v) : Number.NaN;
  if (!Number.isFinite(t)) fail(path, at, 'row', `${v === null || v === undefined ? 'empty value' : 'not a time'} in column time`);
  return t;
}

/** How to read records from a file of these columns: the SQL of each value, and a record from the values of a row (numbered from 1). */
interface Plan<T> {
  readonly select: readonly string[];
  readonly decode: (values: readonly unknown[], at: number) => T;
}

/** The records of the file, chunk by chunk, on one DuckDB connection (its schema read there first). */
async function* records<T>(path: string, plan: (schema: readonly ParquetColumn[]) => Plan<T>): AsyncGenerator<T> {
  const o = await open();
  try {
    const { select, decode } = plan(await describe(o, path));
    let result;
    try {
      result = await o.conn.stream(`SELECT ${select.join(', ')} FROM read_parquet(${quoted(path)})`);
    } catch (error) {
      throw unreadable(path, error);
    }
    let at = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const values of chunk.getRows()) yield decode(values, ++at);
    }
  } finally {
    close(o);
  }
}

function columnsOf(path: string, schema: readonly ParquetColumn[], required: readonly ColumnRole[], optional: readonly ColumnRole[]): { map: ColumnMap; col: (i: number) => ParquetColumn } {
  const map = mapHeader(path, schema.map((c) => c.name), ',', required, optional);
  return { map, col: (i) => schema[i] as ParquetColumn };
}

export function parquetBarRecords(path: string): AsyncGenerator<RawBar> {
  return records(path, (schema) => {
    const { map, col } = columnsOf(path, schema, ['time', 'open', 'high', 'low', 'close'], ['volume']);
    const time = col(map.time as number);
    const epochMs = /^TIMESTAMP|^DATE/i.test(time.type);
    return {
      select: [timeExpr(time), ...(['open', 'high', 'low', 'close'] as const).map((r) => `${ident(col(map[r] as number).name)}::DOUBLE`), map.volume === undefined ? '0::DOUBLE' : `${ident(col(map.volume).name)}::DOUBLE`],
      decode: (values, at) => ({
        t: timeOf(path, at, values[0], epochMs),
        open: num(path, at, 'row', values[1], 'open'),
        high: num(path, at, 'row', values[2], 'high'),
        low: num(path, at, 'row', values[3], 'low'),
        close: num(path, at, 'row', values[4], 'close'),
        volume: num(path, at, 'row', values[5], 'volume'),
        at,
      }),
    };
  });
}

export function parquetTradeRecords(path: string): AsyncGenerator<RawTrade> {
  return records(path, (schema) => {
    const { map, col } = columnsOf(path, schema, ['time', 'price', 'size'], ['side', 'id']);
    const time = col(map.time as number);
    const taken = new Set(Object.values(map));
    const makerIdx = map.side === undefined ? schema.findIndex((c, i) => !taken.has(i) && BUYER_MAKER.includes(c.name.toLowerCase().replace(/[^a-z0-9]/g, ''))) : -1;
    const text = (i: number | undefined): string => (i === undefined || i < 0 ? 'NULL' : `${ident(col(i).name)}::VARCHAR`);
    const epochMs = /^TIMESTAMP|^DATE/i.test(time.type);
    return {
      select: [timeExpr(time), `${ident(col(map.price as number).name)}::DOUBLE`, `${ident(col(map.size as number).name)}::DOUBLE`, text(map.side), text(map.id), text(makerIdx)],
      decode: (values, at) => {
        const id = values[4];
        return {
          ts: timeOf(path, at, values[0], epochMs),
          price: num(path, at, 'row', values[1], 'price'),
          size: num(path, at, 'row', values[2], 'amount'),
          side: makerIdx >= 0 ? buyerMakerSide(path, at, values[5]) : parseSide(path, at, 'row', values[3]),
          id: typeof id === 'string' && id !== '' ? id : undefined,
          at,
        };
      },
    };
  });
}

/** Binance's is_buyer_maker: true means the buyer was resting, so the aggressor sold. */
function buyerMakerSide(path: string, at: number, v: unknown): 'BUY' | 'SELL' | undefined {
  if (v === null || v === undefined) return undefined;
  const s = String(v).trim().toLowerCase();
  if (s === 'true' || s === '1') return 'SELL';
  if (s === 'false' || s === '0') return 'BUY';
  return fail(path, at, 'row', 'not true/false in column is_buyer_maker');
}

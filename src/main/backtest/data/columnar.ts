/**
 * What Parquet and Feather (Arrow IPC) files share: typed, named columns. A file's columns are
 * recognised by name as in a CSV header (csv.ts ROLE_ALIASES): bars need time, open, high, low,
 * close (volume optional); trades need time, price and size, with the aggressor from a side
 * column or from Binance's `is_buyer_maker` (the buyer was the maker: the seller took). Times may
 * be timestamp columns, epoch numbers (s, ms, µs or ns) or text.
 *
 * A reader asks for a plan (which column to read as what, in which order) and hands each row's
 * values back to the plan's `decode`, already converted: times of a timestamp column as epoch ms,
 * numbers as numbers, text as strings, missing as null. A bar without volume (null or NaN, as in
 * mark-price candles) has volume 0. Errors name the file and the row, never
 * a value of it.
 */
import { mapHeader } from './csv';
import type { ColumnMap, ColumnRole } from './csv';
import { ImportError } from './errors';
import type { RawBar, RawTrade } from './records';
import { fail, num, parseSide } from './records';
import { epochToMs, parseTimestamp } from './timestamps';

/** A column: its name and its type as DuckDB spells it (TIMESTAMP…, BIGINT, DOUBLE, VARCHAR, BOOLEAN). */
export interface ColumnarColumn {
  readonly name: string;
  readonly type: string;
}

/** One value a plan reads: a column as a time, a number or text; or a constant. */
export type Pick = { readonly column: number; readonly as: 'time' | 'double' | 'text' } | { readonly constant: 0 | null };

export interface Plan<T> {
  readonly picks: readonly Pick[];
  /** A record from the picked values of row `at` (numbered from 1). */
  readonly decode: (values: readonly unknown[], at: number) => T;
}

const BUYER_MAKER = ['isbuyermaker', 'buyermaker', 'm'];

/** A timestamp or date column, whose values come as epoch ms. */
export const isTimestampType = (type: string): boolean => /^TIMESTAMP|^DATE/i.test(type);
export const isNumericType = (type: string): boolean => /INT|DOUBLE|FLOAT|DECIMAL|REAL/i.test(type);

/** Whether the columns make bars or trades (else the error says what the columns should be). */
export function columnarKind(path: string, format: string, columns: readonly ColumnarColumn[]): 'bars' | 'trades' {
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
  throw new ImportError(path, `the ${format} columns (${columns.length}) name neither bars (time, open, high, low, close, volume) nor trades (time, price, amount)`);
}

function timeOf(path: string, at: number, v: unknown, isEpochMs: boolean): number {
  const t = typeof v === 'number' ? (isEpochMs ? v : epochToMs(v)) : typeof v === 'string' ? parseTimestamp(v) : Number.NaN;
  if (!Number.isFinite(t)) fail(path, at, 'row', `${v === null || v === undefined ? 'empty value' : 'not a time'} in column time`);
  return t;
}

function columnsOf(path: string, schema: readonly ColumnarColumn[], required: readonly ColumnRole[], optional: readonly ColumnRole[]): ColumnMap {
  return mapHeader(path, schema.map((c) => c.name), ',', required, optional);
}

/** How to read bars from a file of these columns. */
export function barPlan(path: string, schema: readonly ColumnarColumn[]): Plan<RawBar> {
  const map = columnsOf(path, schema, ['time', 'open', 'high', 'low', 'close'], ['volume']);
  const time = map.time as number;
  const epochMs = isTimestampType((schema[time] as ColumnarColumn).type);
  const double = (column: number): Pick => ({ column, as: 'double' });
  return {
    picks: [{ column: time, as: 'time' }, double(map.open as number), double(map.high as number), double(map.low as number), double(map.close as number), map.volume === undefined ? { constant: 0 } : double(map.volume)],
    decode: (values, at) => ({
      t: timeOf(path, at, values[0], epochMs),
      open: num(path, at, 'row', values[1], 'open'),
      high: num(path, at, 'row', values[2], 'high'),
      low: num(path, at, 'row', values[3], 'low'),
      close: num(path, at, 'row', values[4], 'close'),
      // No volume (null, NaN: mark-price and index candles) is a volume of 0, as a file without the column.
      volume: values[5] === null || Number.isNaN(values[5]) ? 0 : num(path, at, 'row', values[5], 'volume'),
      at,
    }),
  };
}

/** How to read trades from a file of these columns. */
export function tradePlan(path: string, schema: readonly ColumnarColumn[]): Plan<RawTrade> {
  const map = columnsOf(path, schema, ['time', 'price', 'size'], ['side', 'id']);
  const time = map.time as number;
  const taken = new Set(Object.values(map));
  const makerIdx = map.side === undefined ? schema.findIndex((c, i) => !taken.has(i) && BUYER_MAKER.includes(c.name.toLowerCase().replace(/[^a-z0-9]/g, ''))) : -1;
  const text = (i: number | undefined): Pick => (i === undefined || i < 0 ? { constant: null } : { column: i, as: 'text' });
  const epochMs = isTimestampType((schema[time] as ColumnarColumn).type);
  return {
    picks: [{ column: time, as: 'time' }, { column: map.price as number, as: 'double' }, { column: map.size as number, as: 'double' }, text(map.side), text(map.id), text(makerIdx)],
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
}

/** Binance's is_buyer_maker: true means the buyer was resting, so the aggressor sold. */
function buyerMakerSide(path: string, at: number, v: unknown): 'BUY' | 'SELL' | undefined {
  if (v === null || v === undefined) return undefined;
  const s = String(v).trim().toLowerCase();
  if (s === 'true' || s === '1') return 'SELL';
  if (s === 'false' || s === '0') return 'BUY';
  return fail(path, at, 'row', 'not true/false in column is_buyer_maker');
}

/**
 * pandas `DataFrame.to_json` files, in the orients a user meets: `columns` (pandas' default for a
 * DataFrame: `{"date": {"0": ms, …}, "open": {…}, …}`, as freqtrade's orderflow candles),
 * `split` (`{"columns": […], "index": […], "data": [[…], …]}`), `records` (`[{"date": …, …}, …]`)
 * and `index` (`{"0": {"date": …, …}, …}`). Columns are recognised by name (columnar.ts, as
 * Parquet and Feather); when no column is a time, an index of epoch times (a DatetimeIndex) is.
 * Rows come in the index's order (pandas writes it ascending for a default index).
 *
 * These files are parsed whole with JSON.parse, so files above PANDAS_JSON_MAX_BYTES are refused
 * with what to do instead. Errors name the file and the row, never a value of it.
 */
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { barPlan, columnarKind, tradePlan } from './columnar';
import type { ColumnarColumn, Pick, Plan } from './columnar';
import { ImportError } from './errors';
import type { RawBar, RawTrade } from './records';
import { isGzipPath } from './source';

export const PANDAS_JSON_MAX_BYTES = 64 * 1024 * 1024;

export type PandasOrient = 'columns' | 'split' | 'records' | 'index';

export interface PandasTable {
  readonly orient: PandasOrient;
  readonly schema: readonly ColumnarColumn[];
  /** Row-major values, one array per row in the schema's column order. */
  readonly rows: readonly (readonly unknown[])[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): boolean => v === null || ['number', 'string', 'boolean'].includes(typeof v);

async function parse(path: string): Promise<Json> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new ImportError(path, 'file not found', undefined, 'line', { cause: e });
  }
  if (size > PANDAS_JSON_MAX_BYTES) throw new ImportError(path, `pandas JSON files are read whole and this one is ${size} bytes (limit ${PANDAS_JSON_MAX_BYTES}); write it with to_parquet or to_csv instead`);
  const bytes = await readFile(path);
  try {
    return JSON.parse((isGzipPath(path) ? gunzipSync(bytes) : bytes).toString('utf8')) as Json;
  } catch (e) {
    // JSON.parse quotes the text around the error: keep only where it is.
    const at = /line (\d+) column (\d+)/.exec((e as Error).message);
    throw new ImportError(path, at ? `invalid JSON at column ${at[2]}` : 'invalid JSON', at ? Number(at[1]) : undefined, 'line', { cause: e });
  }
}

/** Which orient a parsed document is in; null when it is none of them. */
function orientOf(doc: Json): PandasOrient | null {
  if (Array.isArray(doc)) return doc.length > 0 && doc.every(isObject) ? 'records' : null;
  if (!isObject(doc)) return null;
  if (Array.isArray(doc.columns) && Array.isArray(doc.data)) return 'split';
  const values = Object.values(doc);
  if (values.length === 0 || !values.every(isObject)) return null;
  // columns: column → {index → scalar}; index: index → {column → scalar}. Told apart by the keys:
  // an index of a default frame is "0", "1", … (or epoch times), column names are words.
  const outer = Object.keys(doc);
  const numeric = (k: string): boolean => /^-?\d+(\.\d+)?$/.test(k);
  return outer.every(numeric) && !Object.keys(values[0] as object).every(numeric) ? 'index' : 'columns';
}

/** A column's type as columnar.ts spells types: from its first non-null value. */
function typeOf(values: Iterable<unknown>): string {
  for (const v of values) {
    if (v === null || v === undefined) continue;
    return typeof v === 'number' ? 'DOUBLE' : typeof v === 'boolean' ? 'BOOLEAN' : 'VARCHAR';
  }
  return 'NULL';
}

function table(path: string, doc: Json, orient: PandasOrient): { names: string[]; index: string[]; rows: unknown[][] } {
  const bad = (why: string): never => {
    throw new ImportError(path, `pandas JSON (orient ${orient}): ${why}`);
  };
  if (orient === 'split') {
    const d = doc as { columns: Json[]; data: Json[]; index?: Json };
    const names = d.columns.map(String);
    const index = Array.isArray(d.index) ? d.index.map(String) : d.data.map((_, i) => String(i));
    const rows = d.data.map((r, i) => (Array.isArray(r) && r.length === names.length && r.every(isScalar) ? r : bad(`row ${i + 1} does not hold ${names.length} values`)));
    return { names, index, rows };
  }
  if (orient === 'records') {
    const recs = doc as Record<string, Json>[];
    const names = [...new Set(recs.flatMap((r) => Object.keys(r)))];
    return { names, index: recs.map((_, i) => String(i)), rows: recs.map((r) => names.map((n) => r[n] ?? null)) };
  }
  const outer = doc as Record<string, Record<string, Json>>;
  if (orient === 'index') {
    const index = Object.keys(outer);
    const names = [...new Set(index.flatMap((k) => Object.keys(outer[k] as object)))];
    return { names, index, rows: index.map((k) => names.map((n) => (outer[k] as Record<string, Json>)[n] ?? null)) };
  }
  const names = Object.keys(outer);
  const first = outer[names[0] as string] as Record<string, Json>;
  const index = Object.keys(first);
  for (const n of names) if (Object.keys(outer[n] as object).length !== index.length) bad(`column ${names.indexOf(n) + 1} has ${Object.keys(outer[n] as object).length} values, the first ${index.length}`);
  return { names, index, rows: index.map((k) => names.map((n) => (outer[n] as Record<string, Json>)[k] ?? null)) };
}

/** The file as a table: its orient, columns and rows. */
export async function readPandasJson(path: string): Promise<PandasTable> {
  const doc = await parse(path);
  const orient = orientOf(doc);
  if (orient === null) throw new ImportError(path, 'unknown JSON object: expected a "candles" or "ohlc" array (ta4j), a pandas to_json frame (orient columns, split, records or index) or an array of [time, open, high, low, close, volume] rows');
  const t = table(path, doc, orient);
  if (t.rows.length === 0) throw new ImportError(path, 'no rows in file');
  const schema: ColumnarColumn[] = t.names.map((name, c) => ({ name, type: typeOf(t.rows.map((r) => r[c])) }));
  // A frame whose time is its index (a DatetimeIndex written as epoch ms keys): the index is the time column.
  const hasTime = (() => {
    try {
      columnarKind(path, 'JSON', schema);
      return true;
    } catch {
      return false;
    }
  })();
  if (!hasTime && t.index.every((k) => /^\d{10,19}$/.test(k))) {
    return { orient, schema: [...schema, { name: 'time', type: 'DOUBLE' }], rows: t.rows.map((r, i) => [...r, Number(t.index[i])]) };
  }
  return { orient, schema, rows: t.rows };
}

export function pandasKind(path: string, t: PandasTable): 'bars' | 'trades' {
  return columnarKind(path, 'pandas JSON', t.schema);
}

async function* records<T>(path: string, plan: (schema: readonly ColumnarColumn[]) => Plan<T>): AsyncGenerator<T> {
  const t = await readPandasJson(path);
  const { picks, decode } = plan(t.schema);
  const values: unknown[] = new Array<unknown>(picks.length);
  let at = 0;
  for (const row of t.rows) {
    for (let k = 0; k < picks.length; k++) {
      const p = picks[k] as Pick;
      if ('constant' in p) values[k] = p.constant;
      else {
        const v = row[p.column] ?? null;
        values[k] = p.as === 'text' && v !== null ? String(v) : v;
      }
    }
    yield decode(values, ++at);
  }
}

export function pandasBarRecords(path: string): AsyncGenerator<RawBar> {
  return records(path, (schema) => barPlan(path, schema));
}

export function pandasTradeRecords(path: string): AsyncGenerator<RawTrade> {
  return records(path, (schema) => tradePlan(path, schema));
}

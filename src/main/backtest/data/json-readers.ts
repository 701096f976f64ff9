/**
 * JSON readers.
 *
 * - CCXT / freqtrade OHLCV: `[[ms, open, high, low, close, volume], …]` — streamed row by row
 *   (json-rows.ts), plain or `.json.gz`. Extra trailing elements in a row are ignored.
 * - freqtrade trades: `[[ms, id, type, side, price, amount, cost], …]` — streamed likewise.
 * - ta4j example files, two object shapes:
 *     `{"candles":[{"start":"<unix s>","low","high","open","close","volume"}]}` (strings), and
 *     `{"name":"ETH/USD_PT5M@BinanceUS","ohlc":[{"endTime":<ms>,"openPrice",…,"volume"}]}`
 *     where endTime is the bar's end (often `…999`, the last ms inside the bar).
 *   These are small (≤ 4 MB) pretty-printed objects, so they are parsed whole with JSON.parse;
 *   files above TA4J_MAX_BYTES are refused rather than risking the heap. Convert large ones
 *   to CSV or to the array format.
 */
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { ImportError } from './errors';
import type { JsonScalar } from './json-rows';
import { jsonArrayRows } from './json-rows';
import type { RawBar, RawTrade } from './records';
import { fail, num, parseSide } from './records';
import { isGzipPath } from './source';
import { epochToMs, parseTimestamp } from './timestamps';

export const TA4J_MAX_BYTES = 64 * 1024 * 1024;

function jsonTime(path: string, at: number, v: JsonScalar | undefined): number {
  const t = typeof v === 'number' ? (Number.isFinite(v) ? epochToMs(v) : Number.NaN) : typeof v === 'string' ? parseTimestamp(v) : Number.NaN;
  if (!Number.isFinite(t)) fail(path, at, 'row', `${typeof v === 'string' ? 'a string that' : v === null || v === undefined ? 'null' : typeof v} is not a time in column time`);
  return t;
}

export async function* ohlcvJsonRecords(path: string): AsyncGenerator<RawBar> {
  for await (const { values, no } of jsonArrayRows(path)) {
    if (values.length < 6) fail(path, no, 'row', `expected [time, open, high, low, close, volume], got ${values.length} values`);
    yield {
      t: jsonTime(path, no, values[0]),
      open: num(path, no, 'row', values[1], 'open'),
      high: num(path, no, 'row', values[2], 'high'),
      low: num(path, no, 'row', values[3], 'low'),
      close: num(path, no, 'row', values[4], 'close'),
      volume: num(path, no, 'row', values[5], 'volume'),
      at: no,
    };
  }
}

export async function* tradesJsonRecords(path: string): AsyncGenerator<RawTrade> {
  for await (const { values, no } of jsonArrayRows(path)) {
    if (values.length < 6) fail(path, no, 'row', `expected [timestamp, id, type, side, price, amount, cost], got ${values.length} values`);
    const id = values[1];
    yield {
      ts: jsonTime(path, no, values[0]),
      price: num(path, no, 'row', values[4], 'price'),
      size: num(path, no, 'row', values[5], 'amount'),
      side: parseSide(path, no, 'row', values[3]),
      id: id === null || id === undefined || id === '' ? undefined : String(id),
      at: no,
    };
  }
}

export interface Ta4jFile {
  readonly shape: 'candles' | 'ohlc';
  /** Timeframe from the `name` (`…_PT5M@…`), when it has one. */
  readonly timeframeMs: number | undefined;
  /** Whether record times are open (candles.start) or close (ohlc.endTime) times. */
  readonly timeIs: 'open' | 'close';
  readonly records: RawBar[];
}

export async function readTa4jJson(path: string): Promise<Ta4jFile> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new ImportError(path, 'file not found', undefined, 'line', { cause: e });
  }
  if (size > TA4J_MAX_BYTES) throw new ImportError(path, `ta4j JSON files are read whole and this one is ${size} bytes (limit ${TA4J_MAX_BYTES}); convert it to CSV`);
  const bytes = await readFile(path);
  let doc: unknown;
  try {
    doc = JSON.parse((isGzipPath(path) ? gunzipSync(bytes) : bytes).toString('utf8'));
  } catch (e) {
    // JSON.parse quotes the text around the error: keep only where it is.
    const at = /line (\d+) column (\d+)/.exec((e as Error).message);
    throw new ImportError(path, at ? `invalid JSON at column ${at[2]}` : 'invalid JSON', at ? Number(at[1]) : undefined, 'line', { cause: e });
  }
  const obj = (doc ?? {}) as Record<string, unknown>;
  if (Array.isArray(obj.candles)) {
    const records = obj.candles.map((c: unknown, i: number): RawBar => {
      const r = (c ?? {}) as Record<string, unknown>;
      const at = i + 1;
      return {
        t: jsonTime(path, at, r.start as JsonScalar),
        open: num(path, at, 'row', r.open, 'open'),
        high: num(path, at, 'row', r.high, 'high'),
        low: num(path, at, 'row', r.low, 'low'),
        close: num(path, at, 'row', r.close, 'close'),
        volume: num(path, at, 'row', r.volume, 'volume'),
        at,
      };
    });
    return { shape: 'candles', timeframeMs: undefined, timeIs: 'open', records };
  }
  if (Array.isArray(obj.ohlc)) {
    const records = obj.ohlc.map((c: unknown, i: number): RawBar => {
      const r = (c ?? {}) as Record<string, unknown>;
      const at = i + 1;
      let end = jsonTime(path, at, r.endTime as JsonScalar);
      // `…999` is the last millisecond inside the bar; the bar closes one ms later.
      if ((end + 1) % 1000 === 0) end += 1;
      return {
        t: end,
        open: num(path, at, 'row', r.openPrice, 'openPrice'),
        high: num(path, at, 'row', r.highPrice, 'highPrice'),
        low: num(path, at, 'row', r.lowPrice, 'lowPrice'),
        close: num(path, at, 'row', r.closePrice, 'closePrice'),
        volume: num(path, at, 'row', r.volume, 'volume'),
        at,
      };
    });
    return { shape: 'ohlc', timeframeMs: isoDurationMs(typeof obj.name === 'string' ? obj.name : ''), timeIs: 'close', records };
  }
  throw new ImportError(path, 'unknown JSON object: expected a "candles" or "ohlc" array (ta4j) or an array of [time, open, high, low, close, volume] rows');
}

/** `ETH/USD_PT5M@BinanceUS` → 300000; `P1D` → 86400000; undefined when absent. */
export function isoDurationMs(name: string): number | undefined {
  const m = /P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?(?![A-Za-z])/.exec(name);
  if (!m || !(m[1] || m[2] || m[3] || m[4])) return undefined;
  const ms = (Number(m[1] ?? 0) * 86_400 + Number(m[2] ?? 0) * 3_600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)) * 1000;
  return ms > 0 ? ms : undefined;
}

export async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const it of items) yield it;
}

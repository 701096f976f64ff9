/**
 * Format detection by extension, then content. `.csv/.tsv/.txt` are CSV (bars or trades by the
 * header, or by the column count of a headerless file); `.json` is told apart by its first
 * bytes: an array whose first row has 6 numbers is OHLCV, a row with a string/null in second
 * or fourth place ([ms, id, type, side, …]) is trades; an object with "candles"/"ohlc" is ta4j.
 * Order-book CSVs (Binance depth, Tardis incremental_book_L2 / book_snapshot) by their header,
 * see book-readers.ts. Any of them may be gzipped (`.gz`). `.parquet` and `.feather`/`.arrow` are bars or
 * trades by their column names (parquet.ts, feather.ts), and so are pandas HDF5 files (`.h5`/`.hdf5`,
 * hdf5.ts). Other binary formats (pickle, Excel…) are named in the error so the user knows to
 * convert them.
 */
import { extname } from 'node:path';
import { isPreamble, looksLikeData, mapHeader, normalizeHeader, PREAMBLE_LINES, ROLE_ALIASES, sniffSeparator, splitLine } from './csv';
import { bookFormatOfHeader } from './book-readers';
import type { BookFormat } from './book-readers';
import { ImportError } from './errors';
import { featherKind, featherSchema } from './feather';
import { hdf5Kind, hdf5Schema } from './hdf5';
import { pandasKind, readPandasJson } from './pandas-json';
import { parquetKind, parquetSchema } from './parquet';
import { isGzipPath, peekText } from './source';

export type DataFormat = 'csv-bars' | 'csv-trades' | 'ohlcv-json' | 'trades-json' | 'ta4j-json' | 'parquet-bars' | 'parquet-trades' | 'feather-bars' | 'feather-trades' | 'hdf5-bars' | 'hdf5-trades' | 'pandas-bars-json' | 'pandas-trades-json' | BookFormat;
export type DataKind = 'bars' | 'trades' | 'book';

export interface DetectedFormat {
  readonly format: DataFormat;
  readonly kind: DataKind;
  readonly gzip: boolean;
}

const KIND: Readonly<Record<DataFormat, DataKind>> = {
  'csv-bars': 'bars',
  'csv-trades': 'trades',
  'ohlcv-json': 'bars',
  'trades-json': 'trades',
  'ta4j-json': 'bars',
  'parquet-bars': 'bars',
  'parquet-trades': 'trades',
  'feather-bars': 'bars',
  'feather-trades': 'trades',
  'hdf5-bars': 'bars',
  'hdf5-trades': 'trades',
  'pandas-bars-json': 'bars',
  'pandas-trades-json': 'trades',
  'binance-depth-csv': 'book',
  'tardis-book-l2': 'book',
  'tardis-book-snapshot': 'book',
};

export function kindOf(format: DataFormat): DataKind {
  return KIND[format];
}

const BINARY: Readonly<Record<string, string>> = {
  '.pickle': 'Python pickle',
  '.pkl': 'Python pickle',
  '.xls': 'Excel',
  '.xlsx': 'Excel',
  '.zip': 'zip',
};

export async function detectFormat(path: string): Promise<DetectedFormat> {
  const gzip = isGzipPath(path);
  const ext = extname(gzip ? path.slice(0, -3) : path).toLowerCase();
  const binary = BINARY[ext];
  if (binary) throw new ImportError(path, `${binary} files are not supported; convert to Parquet, Feather, HDF5 (pandas to_hdf), to CSV (time,open,high,low,close,volume) or to a JSON array of [ms, open, high, low, close, volume]`);
  if (ext === '.parquet' || ext === '.pq') {
    if (gzip) throw new ImportError(path, 'a gzipped Parquet file: Parquet compresses its own columns; give the .parquet file itself');
    return withKind(parquetKind(path, await parquetSchema(path)) === 'bars' ? 'parquet-bars' : 'parquet-trades', false);
  }
  if (ext === '.feather' || ext === '.arrow' || ext === '.ipc') {
    if (gzip) throw new ImportError(path, 'a gzipped Feather file: give the .feather file itself (Feather compresses its own columns with LZ4)');
    return withKind(featherKind(path, await featherSchema(path)) === 'bars' ? 'feather-bars' : 'feather-trades', false);
  }
  if (ext === '.h5' || ext === '.hdf5' || ext === '.hdf') {
    if (gzip) throw new ImportError(path, 'a gzipped HDF5 file: give the .h5 file itself (pandas compresses its own datasets with complib)');
    return withKind(hdf5Kind(path, await hdf5Schema(path)) === 'bars' ? 'hdf5-bars' : 'hdf5-trades', false);
  }
  const known = ['.csv', '.tsv', '.txt', '.json', ''].includes(ext);
  if (!known) throw new ImportError(path, `unknown file format "${ext}"; supported: .csv, .tsv, .txt, .json (each optionally .gz), .parquet, .feather, .h5`);
  const head = await peekText(path, 1 << 14);
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text === '') throw new ImportError(path, 'empty file');
  if (text.startsWith('[') || text.startsWith('{')) {
    // pandas to_json frames (an object that is not ta4j's, or an array of objects): by their columns.
    if ((text.startsWith('{') && !TA4J.test(text)) || /^\[\s*\{/.test(text)) return withKind(pandasKind(path, await readPandasJson(path)) === 'bars' ? 'pandas-bars-json' : 'pandas-trades-json', gzip);
    return withKind(sniffJson(path, text), gzip);
  }
  if (ext === '.json') throw new ImportError(path, 'not JSON: expected an array of rows or a ta4j object');
  // Binary content in a text-named file (a renamed feather, a zip…).
  if (text.slice(0, 512).includes(String.fromCharCode(0))) throw new ImportError(path, 'binary content, not a CSV or JSON file');
  const lines = text.split('\n', 4 * PREAMBLE_LINES).map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  const skip = lines.findIndex((l, i) => i >= PREAMBLE_LINES || !isPreamble(l));
  const first = lines[skip < 0 ? 0 : skip] ?? '';
  const sep = sniffSeparator(first);
  const cells = splitLine(first, sep);
  if (looksLikeData(cells)) {
    if (cells.length === 3) return withKind('csv-trades', gzip);
    if (cells.length >= 6) return withKind('csv-bars', gzip);
    throw new ImportError(path, `no header row and ${cells.length} columns: cannot tell bars from trades`);
  }
  // Order-book layouts first: a depth CSV also has a time, a price and a quantity column.
  const book = bookFormatOfHeader(first);
  if (book) return withKind(book, gzip);
  if (hasColumns(path, cells, sep, ['time', 'open', 'high', 'low', 'close', 'volume'])) return withKind('csv-bars', gzip);
  if (hasColumns(path, cells, sep, ['time', 'price', 'size'])) return withKind('csv-trades', gzip);
  // Incomplete: any OHLC name makes it a bar file, so the reader names the missing column.
  const names = new Set(cells.map(normalizeHeader));
  if (['open', 'high', 'low', 'close'].some((n) => ROLE_ALIASES[n as 'open'].some((a) => a.length > 1 && names.has(a)))) return withKind('csv-bars', gzip);
  if (ROLE_ALIASES.price.some((a) => a.length > 1 && names.has(a))) return withKind('csv-trades', gzip);
  throw new ImportError(path, `unknown CSV layout: the header (${cells.length} columns) names neither bars (time,open,high,low,close,volume) nor trades (time,price,amount)`, 1);
}

function withKind(format: DataFormat, gzip: boolean): DetectedFormat {
  return { format, kind: KIND[format], gzip };
}

function hasColumns(path: string, header: string[], sep: string, roles: Parameters<typeof mapHeader>[3]): boolean {
  try {
    mapHeader(path, header, sep, roles, []);
    return true;
  } catch {
    return false;
  }
}

/** ta4j's two object shapes, by their array key. */
const TA4J = /"candles"\s*:\s*\[|"ohlc"\s*:\s*\[/;

function sniffJson(path: string, text: string): DataFormat {
  if (text.startsWith('{')) return 'ta4j-json';
  const m = /^\[\s*\[([^\]]*)\]/.exec(text);
  if (!m) {
    if (/^\[\s*\]/.test(text)) throw new ImportError(path, 'no rows in file (empty JSON array)');
    throw new ImportError(path, 'unknown JSON layout: expected an array of arrays');
  }
  const cells = (m[1] ?? '').split(',').map((s) => s.trim());
  // freqtrade trades put the side (a string or null) fourth; OHLCV rows hold numbers there.
  const side = cells[3] ?? '';
  if (cells.length >= 7 && (side.startsWith('"') || side === 'null') && !/^"[\d.eE+-]+"$/.test(side)) return 'trades-json';
  if (cells.length >= 6) return 'ohlcv-json';
  throw new ImportError(path, `unknown JSON row layout (${cells.length} values); expected [time, open, high, low, close, volume] or [ms, id, type, side, price, amount, cost]`, 1, 'row');
}

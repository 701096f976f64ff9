/**
 * CSV readers: bars (`time, open, high, low, close, volume` in any order, case and separator)
 * and trades (`time, price, amount|size|qty, [side], [id]`). Streaming, line by line.
 *
 * Files without a header row (first line all numbers/times) are read with the caller's
 * `headerless` layout, or by default as `time, open, high, low, close, volume, …` for bars
 * (≥ 6 columns: also Binance's 12-column kline dumps) and `time, price, size` for trades
 * (exactly 3 columns: Kraken's trade export).
 */
import type { ColumnMap, ColumnRole } from './csv';
import { isPreamble, looksLikeData, mapHeader, mapHeaderless, PREAMBLE_LINES, sniffSeparator, splitLine } from './csv';
import { ImportError } from './errors';
import type { RawBar, RawTrade } from './records';
import { fail, num, parseSide } from './records';
import { lines } from './source';
import { parseTimestamp } from './timestamps';

export interface CsvReadOptions {
  /** Column roles of a file with no header row, e.g. `['time', 'price', 'size']`; '' or 'skip' ignores a column. */
  readonly headerless?: readonly string[];
  /** Field separator; sniffed from the first line when absent. */
  readonly separator?: string;
}

interface CsvRow {
  readonly cells: string[];
  readonly at: number;
  readonly map: ColumnMap;
}

async function* csvRows(
  path: string,
  required: readonly ColumnRole[],
  optional: readonly ColumnRole[],
  opts: CsvReadOptions,
  defaultLayout: (columns: number) => readonly string[] | undefined,
): AsyncGenerator<CsvRow> {
  let map: ColumnMap | undefined;
  let sep = opts.separator;
  let preamble = 0;
  for await (const { text, no } of lines(path)) {
    if (text.trim() === '') continue;
    if (map === undefined && !opts.headerless && preamble < PREAMBLE_LINES && isPreamble(text)) {
      preamble++;
      continue;
    }
    if (map === undefined) {
      sep ??= sniffSeparator(text);
      const cells = splitLine(text, sep);
      if (opts.headerless) map = mapHeaderless(path, opts.headerless, required);
      else if (looksLikeData(cells)) {
        const layout = defaultLayout(cells.length);
        if (!layout) {
          throw new ImportError(path, `no header row and ${cells.length} columns; name the columns (headerless: [${required.map((r) => `'${r}'`).join(', ')}, …])`);
        }
        map = mapHeaderless(path, layout, required);
      } else {
        map = mapHeader(path, cells, sep, required, optional);
        continue;
      }
    }
    yield { cells: splitLine(text, sep ?? ','), at: no, map };
  }
  if (map === undefined) throw new ImportError(path, 'empty file');
}

function time(path: string, row: CsvRow): number {
  const cell = row.cells[row.map.time as number];
  if (cell === undefined) return fail(path, row.at, 'line', 'missing value in column time');
  const t = parseTimestamp(cell);
  if (!Number.isFinite(t)) fail(path, row.at, 'line', 'not a time in column time (expected epoch s/ms/µs/ns or an ISO 8601 date)');
  return t;
}

const cell = (row: CsvRow, role: ColumnRole): string | undefined => {
  const i = row.map[role];
  return i === undefined ? undefined : row.cells[i];
};

export async function* csvBarRecords(path: string, opts: CsvReadOptions = {}): AsyncGenerator<RawBar> {
  const roles: ColumnRole[] = ['time', 'open', 'high', 'low', 'close', 'volume'];
  for await (const row of csvRows(path, roles, [], opts, (n) => (n >= 6 ? roles : undefined))) {
    yield {
      t: time(path, row),
      open: num(path, row.at, 'line', cell(row, 'open'), 'open'),
      high: num(path, row.at, 'line', cell(row, 'high'), 'high'),
      low: num(path, row.at, 'line', cell(row, 'low'), 'low'),
      close: num(path, row.at, 'line', cell(row, 'close'), 'close'),
      volume: num(path, row.at, 'line', cell(row, 'volume'), 'volume'),
      at: row.at,
    };
  }
}

export async function* csvTradeRecords(path: string, opts: CsvReadOptions = {}): AsyncGenerator<RawTrade> {
  const layout = ['time', 'price', 'size'] as const;
  for await (const row of csvRows(path, ['time', 'price', 'size'], ['side', 'id'], opts, (n) => (n === 3 ? layout : undefined))) {
    const id = cell(row, 'id')?.trim();
    yield {
      ts: time(path, row),
      price: num(path, row.at, 'line', cell(row, 'price'), 'price'),
      size: num(path, row.at, 'line', cell(row, 'size'), 'size'),
      side: parseSide(path, row.at, 'line', cell(row, 'side')),
      id: id === undefined || id === '' ? undefined : id,
      at: row.at,
    };
  }
}

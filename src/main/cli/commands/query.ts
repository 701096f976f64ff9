/**
 * `libra query`: point-in-time questions to the store.
 *   --signals FILE --with trades|quotes|bars [--timeframe TF]  ASOF JOIN: for each signal row
 *       (CSV with ts,symbol[,venue]) the latest trade/quote/bar known at that moment
 *   --sql "SELECT …"   read-only SQL in the store's dialect: DuckDB (views trades_v, bars_v,
 *       quotes_v) or, with --store questdb, QuestDB SQL on its tables (trades, bars, quotes…)
 *   --store duckdb|questdb, --questdb-url URL, --data-dir DIR: which store (store-flags.ts)
 * Output: CSV-like lines, or JSON lines with --json.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseTimeframe } from '../../../shared/messages/market-data';
import type { AsofQuery, AsofSignalRow, Kernel } from '../../kernel';
import { bool, parseFlags, parseTime, str, usage, UsageError } from '../args';
import type { FlagSpec } from '../args';
import { STORE_FLAGS, storeFlags } from '../store-flags';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  signals: { type: 'string', description: 'CSV of signals: ts,symbol[,venue] (ts ISO or ms)' },
  with: { type: 'string', description: 'trades | quotes | bars' },
  timeframe: { type: 'string', description: 'bar timeframe for --with bars' },
  sql: { type: 'string', description: 'read-only SQL (SELECT/WITH only)' },
  json: { type: 'boolean', description: 'JSON lines output' },
  ...STORE_FLAGS,
};

function readSignals(file: string): AsofSignalRow[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').toLowerCase().split(',').map((h) => h.trim());
  const ti = header.findIndex((h) => ['ts', 'time', 'timestamp'].includes(h));
  const si = header.indexOf('symbol');
  const vi = header.indexOf('venue');
  if (ti < 0 || si < 0) throw new UsageError(`${file}: the header must name ts and symbol (got ${header.join(',')})`);
  return lines.map((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    let ts: number;
    try {
      ts = parseTime(cells[ti] ?? '', 'signals');
    } catch {
      throw new UsageError(`${file} line ${i + 2}: "${cells[ti] ?? ''}" is not a time`);
    }
    const symbol = cells[si];
    if (!symbol) throw new UsageError(`${file} line ${i + 2}: no symbol`);
    const venue = vi >= 0 ? cells[vi] : undefined;
    return venue ? { ts, symbol, venue } : { ts, symbol };
  });
}

export async function run(argv: string[], kernel: Kernel): Promise<void> {
  if (argv.includes('--help')) {
    process.stdout.write(`${usage('query', 'point-in-time queries against the store', FLAGS)}\n`);
    return;
  }
  const flags = parseFlags(argv, FLAGS, 'query');
  const sql = str(flags, 'sql');
  const signals = str(flags, 'signals');
  if ((sql === undefined) === (signals === undefined)) throw new UsageError('give either --signals FILE --with KIND or --sql "SELECT …"');
  const json = bool(flags, 'json');
  const store = storeFlags(flags, kernel);
  const print = (row: Record<string, unknown>): void => {
    process.stdout.write(json ? `${JSON.stringify(row)}\n` : `${Object.values(row).map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',')}\n`);
  };
  if (sql !== undefined) {
    if (!/^\s*(select|with)\b/i.test(sql) || /;\s*\S/.test(sql)) throw new UsageError('--sql takes one read-only SELECT (or WITH … SELECT) statement');
    for (const row of await kernel.sql(sql, store)) print(row);
    return;
  }
  const kind = str(flags, 'with');
  const rows = readSignals(resolve(process.cwd(), signals as string));
  let query: AsofQuery;
  if (kind === 'trades' || kind === 'quotes') {
    query = { signals: rows, with: kind };
  } else if (kind === 'bars') {
    const tf = str(flags, 'timeframe');
    if (!tf) throw new UsageError('--with bars needs --timeframe');
    query = { signals: rows, with: 'bars', timeframeMs: parseTimeframe(tf) };
  } else {
    throw new UsageError(`--with must be trades, quotes or bars (got ${kind ?? 'nothing'})`);
  }
  for await (const chunk of kernel.asof(query, store)) for (const r of chunk) print(r as unknown as Record<string, unknown>);
}

/**
 * Works out the instrument a data file is about: from the caller's overrides, from the bundled
 * sample index next to the file, or from the file name (`ETH_BTC-5m.json`,
 * `BTC-USD_coinbase_4h.csv`), with tick and lot sizes from the overrides or inferred from the
 * decimals in the file. Reads the whole file (inferPrecision): off Electron's main thread, call it
 * in a worker. The one implementation behind `libra backtest --data`, `libra import` and the
 * Backtest panel's worker.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InstrumentError, makeInstrument } from '../../shared/domain/instrument';
import type { Instrument } from '../../shared/domain/instrument';
import { inferPrecision } from './data';
import type { PrecisionInfo } from './data';

export interface FileInstrumentOptions {
  readonly symbol?: string | undefined;
  readonly venue?: string | undefined;
  readonly tickSize?: string | undefined;
  readonly lotSize?: string | undefined;
  readonly minNotional?: number | undefined;
  readonly timeframeMs?: number | undefined;
  readonly headerless?: readonly string[] | undefined;
  /**
   * How notes and errors tell a person to fix things: 'flags' names the `libra` flags
   * (--symbol, --tick-size, …); 'file-name' (default) suits the app, which has no flags.
   */
  readonly hints?: 'flags' | 'file-name';
}

export interface SampleIndexEntry {
  readonly file: string;
  readonly format?: string;
  readonly symbol: string;
  readonly venue: string;
  readonly timeframe?: string;
  readonly tickSize: string;
  readonly lotSize: string;
  readonly bars?: number;
  readonly first?: string;
  readonly last?: string;
}

export interface FileInstrument {
  readonly instrument: Instrument;
  readonly info: PrecisionInfo;
  readonly notes: string[];
}

/** The entries of the sample index (`index.json`) of a folder; none when absent or unreadable. */
export function readSampleIndex(dir: string): SampleIndexEntry[] {
  const index = join(dir, 'index.json');
  if (!existsSync(index)) return [];
  try {
    const parsed = JSON.parse(readFileSync(index, 'utf8')) as { files?: SampleIndexEntry[] };
    return parsed.files ?? [];
  } catch {
    return [];
  }
}

export function symbolFromFileName(file: string): string | undefined {
  const m = /^([A-Za-z0-9]{2,12})[_\-/]([A-Za-z0-9]{2,12})(?=[_\-.])/.exec(basename(file));
  if (!m?.[1] || !m[2]) return undefined;
  return `${m[1].toUpperCase()}/${m[2].toUpperCase()}`;
}

/** Largest precision at which every price of the file stays a safe integer with headroom. */
function capPrecision(decimals: number, maxAbs: number): number {
  let p = decimals;
  while (p > 0 && maxAbs * 10 ** p > 2 ** 50) p--;
  return p;
}

export async function instrumentForFile(file: string, opts: FileInstrumentOptions = {}): Promise<FileInstrument> {
  const flags = opts.hints === 'flags';
  const notes: string[] = [];
  const info = await inferPrecision(file, { ...(opts.timeframeMs ? { timeframeMs: opts.timeframeMs } : {}), ...(opts.headerless ? { headerless: opts.headerless } : {}) });
  if (info.rows === 0) throw new InstrumentError(`${flags ? file : basename(file)}: the file has no data rows`);
  const sample = readSampleIndex(dirname(file)).find((f) => f.file === basename(file));
  const symbol = opts.symbol ?? sample?.symbol ?? symbolFromFileName(file);
  if (!symbol) {
    throw new InstrumentError(`cannot tell the symbol of ${basename(file)} from its name: ${flags ? 'give --symbol BASE/QUOTE' : 'name it like BTC-USD_4h.csv or ETH_BTC-5m.json'}`);
  }
  const venue = opts.venue ?? sample?.venue ?? 'SIM';
  let tickSize = opts.tickSize ?? sample?.tickSize;
  let lotSize = opts.lotSize ?? sample?.lotSize;
  if (tickSize === undefined) {
    const p = capPrecision(info.priceDecimals, 1e7);
    tickSize = p === 0 ? '1' : `0.${'0'.repeat(p - 1)}1`;
    notes.push(`tick size ${tickSize} inferred from the file's decimals${flags ? ' (override with --tick-size)' : ''}`);
  }
  if (lotSize === undefined) {
    const p = Math.min(info.sizeDecimals, 8);
    lotSize = p === 0 ? '1' : `0.${'0'.repeat(p - 1)}1`;
    notes.push(`lot size ${lotSize} inferred from the file's decimals${flags ? ' (override with --lot-size)' : ''}`);
  }
  try {
    // Money at 8 decimals: balances up to ~90 M in the quote currency stay safe integers (at the
    // default tick + lot decimals, 10 for BTC/USD, a backtest that grows past 900 k overflowed).
    const instrument = makeInstrument({ symbol, venue, tickSize, lotSize, quotePrecision: 8, ...(opts.minNotional !== undefined ? { minNotional: opts.minNotional } : {}) });
    return { instrument, info, notes };
  } catch (error) {
    throw new InstrumentError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Works out the instrument a data file is about: from flags, from the bundled sample index, or
 * from the file name (`ETH_BTC-5m.json`, `BTC-USD_coinbase_4h.csv`), with tick and lot sizes
 * from flags or inferred from the decimals in the file.
 */
import { readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeInstrument } from '../../../shared/domain/instrument';
import type { Instrument } from '../../../shared/domain/instrument';
import { inferPrecision } from '../../backtest/data';
import type { PrecisionInfo } from '../../backtest/data';
import { UsageError } from '../args';

export interface FileInstrumentOptions {
  readonly symbol?: string;
  readonly venue?: string;
  readonly tickSize?: string;
  readonly lotSize?: string;
  readonly minNotional?: number;
  readonly timeframeMs?: number;
  readonly headerless?: readonly string[];
}

interface SampleIndexEntry {
  file: string;
  symbol: string;
  venue: string;
  tickSize: string;
  lotSize: string;
}

export function symbolFromFileName(file: string): string | undefined {
  const m = /^([A-Za-z0-9]{2,12})[_\-/]([A-Za-z0-9]{2,12})(?=[_\-.])/.exec(basename(file));
  if (!m?.[1] || !m[2]) return undefined;
  return `${m[1].toUpperCase()}/${m[2].toUpperCase()}`;
}

function sampleEntry(file: string): SampleIndexEntry | undefined {
  const index = join(dirname(file), 'index.json');
  if (!existsSync(index)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(index, 'utf8')) as { files?: SampleIndexEntry[] };
    return parsed.files?.find((f) => f.file === basename(file));
  } catch {
    return undefined;
  }
}

/** Largest precision at which every price of the file stays a safe integer with headroom. */
function capPrecision(decimals: number, maxAbs: number): number {
  let p = decimals;
  while (p > 0 && maxAbs * 10 ** p > 2 ** 50) p--;
  return p;
}

export async function instrumentForFile(file: string, opts: FileInstrumentOptions): Promise<{ instrument: Instrument; info: PrecisionInfo; notes: string[] }> {
  const notes: string[] = [];
  const info = await inferPrecision(file, { ...(opts.timeframeMs ? { timeframeMs: opts.timeframeMs } : {}), ...(opts.headerless ? { headerless: opts.headerless } : {}) });
  if (info.rows === 0) throw new UsageError(`${file}: the file has no data rows`);
  const sample = sampleEntry(file);
  const symbol = opts.symbol ?? sample?.symbol ?? symbolFromFileName(file);
  if (!symbol) throw new UsageError(`cannot tell the symbol of ${basename(file)} from its name: give --symbol BASE/QUOTE`);
  const venue = opts.venue ?? sample?.venue ?? 'SIM';
  let tickSize = opts.tickSize ?? sample?.tickSize;
  let lotSize = opts.lotSize ?? sample?.lotSize;
  if (tickSize === undefined) {
    const p = capPrecision(info.priceDecimals, 1e7);
    tickSize = p === 0 ? '1' : `0.${'0'.repeat(p - 1)}1`;
    notes.push(`tick size ${tickSize} inferred from the file's decimals (override with --tick-size)`);
  }
  if (lotSize === undefined) {
    const p = Math.min(info.sizeDecimals, 8);
    lotSize = p === 0 ? '1' : `0.${'0'.repeat(p - 1)}1`;
    notes.push(`lot size ${lotSize} inferred from the file's decimals (override with --lot-size)`);
  }
  try {
    const instrument = makeInstrument({ symbol, venue, tickSize, lotSize, ...(opts.minNotional !== undefined ? { minNotional: opts.minNotional } : {}) });
    return { instrument, info, notes };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

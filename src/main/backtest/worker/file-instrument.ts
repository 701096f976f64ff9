/**
 * Works out the instrument of a backtest data file, like `libra backtest --data` does: from the
 * sample index next to the file, or from its name (`ETH_BTC-5m.json`), with tick and lot sizes
 * inferred from the decimals in the file. Reads the whole file: call it in a worker.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeInstrument } from '../../../shared/domain/instrument';
import type { Instrument } from '../../../shared/domain/instrument';
import { inferPrecision } from '../data';
import type { PrecisionInfo } from '../data';

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

function symbolFromFileName(file: string): string | undefined {
  const m = /^([A-Za-z0-9]{2,12})[_\-/]([A-Za-z0-9]{2,12})(?=[_\-.])/.exec(basename(file));
  if (!m?.[1] || !m[2]) return undefined;
  return `${m[1].toUpperCase()}/${m[2].toUpperCase()}`;
}

function capPrecision(decimals: number, maxAbs: number): number {
  let p = decimals;
  while (p > 0 && maxAbs * 10 ** p > 2 ** 50) p--;
  return p;
}

export async function instrumentForDataFile(file: string): Promise<{ instrument: Instrument; info: PrecisionInfo; notes: string[] }> {
  const notes: string[] = [];
  const info = await inferPrecision(file);
  if (info.rows === 0) throw new Error(`${basename(file)}: the file has no data rows`);
  const sample = readSampleIndex(dirname(file)).find((f) => f.file === basename(file));
  const symbol = sample?.symbol ?? symbolFromFileName(file);
  if (!symbol) throw new Error(`cannot tell the symbol of ${basename(file)} from its name: name it like BTC-USD_4h.csv or ETH_BTC-5m.json`);
  let tickSize = sample?.tickSize;
  let lotSize = sample?.lotSize;
  if (tickSize === undefined) {
    const p = capPrecision(info.priceDecimals, 1e7);
    tickSize = p === 0 ? '1' : `0.${'0'.repeat(p - 1)}1`;
    notes.push(`tick size ${tickSize} inferred from the file's decimals`);
  }
  if (lotSize === undefined) {
    const p = Math.min(info.sizeDecimals, 8);
    lotSize = p === 0 ? '1' : `0.${'0'.repeat(p - 1)}1`;
    notes.push(`lot size ${lotSize} inferred from the file's decimals`);
  }
  const instrument = makeInstrument({ symbol, venue: sample?.venue ?? 'SIM', tickSize, lotSize });
  return { instrument, info, notes };
}

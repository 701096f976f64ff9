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
import { resolveSymbol } from '../../shared/domain/symbols';
import type { ResolvedSymbol } from '../../shared/domain/symbols';
import { inferPrecision, TimeframeUnknownError } from './data';
import type { PrecisionInfo } from './data';

export interface FileInstrumentOptions {
  /** As the user or venue writes it: BTC/USDT, BTCUSDT, BTC-USD, BTC-PERP, BTC/USDT:USDT. */
  readonly symbol?: string | undefined;
  /** Quote currency of an instrument named from the file, or of a symbol kept as given (default USD). */
  readonly quote?: string | undefined;
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

/** Words a file name puts after the symbol that are not a quote currency (`btcusdt-trades.parquet`). */
const DATA_WORDS = new Set(['TRADES', 'TRADE', 'AGGTRADES', 'TICKS', 'QUOTES', 'QUOTE', 'BOOK', 'DEPTH', 'SNAP', 'SNAPSHOT', 'UPDATE', 'UPDATES', 'CANDLES', 'OHLC', 'OHLCV', 'KLINES', 'BARS', 'L2', 'SPOT', 'FUTURES', 'MARK', 'FUNDING', 'DATA']);

/** Venues a file name may start with before the symbol (CryptoDataDownload: `Binance_BTCUSDT_1h.csv`). */
const VENUE_WORDS = new Set(['BINANCE', 'BINANCEUS', 'COINBASE', 'KRAKEN', 'BITFINEX', 'BITSTAMP', 'GEMINI', 'BYBIT', 'OKX', 'KUCOIN', 'HUOBI', 'HTX', 'GATEIO', 'BITMEX', 'DERIBIT', 'POLONIEX', 'BITTREX', 'FTX', 'MEXC', 'BITGET']);

export function symbolFromFileName(file: string): string | undefined {
  // freqtrade's futures files: `XRP_USDT_USDT-1h-futures.feather` is the perpetual XRP/USDT:USDT (base_quote_settle).
  const fut = /^([A-Za-z0-9]{2,12})_([A-Za-z0-9]{2,12})_([A-Za-z]{2,12})(?=-)/.exec(basename(file));
  if (fut?.[1] && fut[2] && fut[3] && !DATA_WORDS.has(fut[3].toUpperCase()) && !VENUE_WORDS.has(fut[1].toUpperCase())) return `${fut[1].toUpperCase()}/${fut[2].toUpperCase()}:${fut[3].toUpperCase()}`;
  const m = /^([A-Za-z0-9]{2,12})[_\-/]([A-Za-z0-9]{2,12})(?=[_\-.])/.exec(basename(file));
  if (!m?.[1] || !m[2] || DATA_WORDS.has(m[2].toUpperCase())) return undefined;
  // `Binance_BTCUSDT_1h.csv`: the venue, then the venue's symbol (mapped by resolveSymbol).
  if (VENUE_WORDS.has(m[1].toUpperCase())) return m[2].toUpperCase();
  // `btc-perp-…` / `BTC-PERPETUAL…`: a perpetual, kept as the venue names it (its quote from --quote).
  if (/^PERP(ETUAL)?$/i.test(m[2])) return `${m[1].toUpperCase()}-PERP`;
  return `${m[1].toUpperCase()}/${m[2].toUpperCase()}`;
}

/** A base currency made from a file's name: its leading letters and digits (`prices.csv` → PRICES). */
function nameOf(file: string): string {
  const lead = /^[A-Za-z0-9]+/.exec(basename(file))?.[0] ?? '';
  return lead.length >= 1 ? lead.slice(0, 12).toUpperCase() : 'DATA';
}

/** Largest precision at which every price of the file stays a safe integer with headroom. */
function capPrecision(decimals: number, maxAbs: number): number {
  let p = decimals;
  while (p > 0 && maxAbs * 10 ** p > 2 ** 50) p--;
  return p;
}

/** Tick and lot sizes must be positive decimals: checked up front so the error names the flag. */
function checkSteps(o: InstrumentOverrides, flags: boolean): void {
  for (const [name, v] of [['tick-size', o.tickSize], ['lot-size', o.lotSize]] as const) {
    if (v !== undefined && !(/^\d*\.?\d+(e-?\d+)?$/i.test(v.trim()) && Number(v) > 0)) {
      throw new InstrumentError(`${flags ? `--${name}` : name.replace('-', ' ')} must be a positive number, got ${v.slice(0, 40)}`);
    }
  }
  if (o.minNotional !== undefined && !(Number.isFinite(o.minNotional) && o.minNotional >= 0)) {
    throw new InstrumentError(`${flags ? '--min-notional' : 'min notional'} must be a number ≥ 0, got ${o.minNotional}`);
  }
}

export async function instrumentForFile(file: string, opts: FileInstrumentOptions = {}): Promise<FileInstrument> {
  const flags = opts.hints === 'flags';
  checkSteps(opts, flags);
  const notes: string[] = [];
  // The file's own timeframe first (a coarser one asked for is built from it, a finer one refused:
  // see openFileFeed); the caller's only when the file is too short to tell.
  const headerless = opts.headerless ? { headerless: opts.headerless } : {};
  let info: PrecisionInfo;
  try {
    info = await inferPrecision(file, headerless);
  } catch (error) {
    if (!(error instanceof TimeframeUnknownError && opts.timeframeMs)) throw error;
    info = await inferPrecision(file, { timeframeMs: opts.timeframeMs, ...headerless });
  }
  if (info.rows === 0) throw new InstrumentError(`${flags ? file : basename(file)}: the file has no data rows`);
  const sample = readSampleIndex(dirname(file)).find((f) => f.file === basename(file));
  // An order-book file's symbol column names it before its file name does.
  const given = opts.symbol ?? sample?.symbol ?? info.symbol ?? symbolFromFileName(file);
  const quote = opts.quote ?? 'USD';
  let sym: ResolvedSymbol;
  // A name such as BCHEUR.csv is a venue's concatenated symbol (BCH/EUR) unless --quote says otherwise.
  let fromName: ResolvedSymbol | undefined;
  try {
    if (given === undefined) {
      const concatenated = resolveSymbol(nameOf(file), quote);
      if (concatenated.how === 'mapped' && (opts.quote === undefined || concatenated.quote === opts.quote.toUpperCase())) fromName = concatenated;
    }
    sym = given !== undefined ? resolveSymbol(given, quote) : (fromName ?? resolveSymbol(`${nameOf(file)}/${quote}`, quote));
  } catch (error) {
    const badQuote = opts.quote !== undefined && !/^[A-Za-z0-9]{2,12}$/.test(opts.quote);
    const which = badQuote ? '--quote' : opts.symbol !== undefined ? '--symbol' : given === undefined ? 'file name' : basename(file);
    throw new InstrumentError(`${flags ? which : 'symbol'}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (fromName !== undefined) {
    notes.push(`instrument ${sym.symbol} read from the file name ${basename(file)}${flags ? ' (--symbol BASE/QUOTE to name it otherwise)' : ''}`);
  } else if (given === undefined) {
    notes.push(`instrument ${sym.symbol} named from the file name (quote ${sym.quote}${flags ? ': --quote to change it, --symbol BASE/QUOTE to name it' : ''})`);
  } else if (sym.how === 'mapped') {
    notes.push(`symbol ${given} read as ${sym.symbol}`);
  } else if (sym.how === 'kept') {
    notes.push(`symbol ${sym.symbol} kept as given: base ${sym.base}, quote ${sym.quote}${flags ? ' (--quote to change it)' : ''}`);
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
    const instrument = makeInstrument({ symbol: sym.symbol, kind: sym.kind, ...(sym.how === 'kept' ? { base: sym.base, quote: sym.quote } : {}), venue, tickSize, lotSize, quotePrecision: 8, ...(opts.minNotional !== undefined ? { minNotional: opts.minNotional } : {}) });
    return { instrument, info, notes };
  } catch (error) {
    throw new InstrumentError(error instanceof Error ? error.message : String(error));
  }
}

export interface InstrumentOverrides {
  readonly tickSize?: string | undefined;
  readonly lotSize?: string | undefined;
  readonly minNotional?: number | undefined;
}

/**
 * A stored instrument with the caller's tick size, lot size and min notional where given (flags
 * first, then the store's record), so a backtest from the store and one from the file, with the
 * same flags, trade the same instrument.
 */
export function withOverrides(inst: Instrument, o: InstrumentOverrides): { instrument: Instrument; notes: string[] } {
  if (o.tickSize === undefined && o.lotSize === undefined && o.minNotional === undefined) return { instrument: inst, notes: [] };
  checkSteps(o, true);
  const tick = (inst.tickRaw / 10 ** inst.pricePrecision).toFixed(inst.pricePrecision);
  const lot = (inst.lotRaw / 10 ** inst.sizePrecision).toFixed(inst.sizePrecision);
  const notes: string[] = [];
  if (o.tickSize !== undefined && Number(o.tickSize) !== Number(tick)) notes.push(`tick size ${o.tickSize} from --tick-size (the store's record says ${tick})`);
  if (o.lotSize !== undefined && Number(o.lotSize) !== Number(lot)) notes.push(`lot size ${o.lotSize} from --lot-size (the store's record says ${lot})`);
  try {
    const instrument = makeInstrument({
      symbol: inst.symbol,
      venue: inst.venue,
      kind: inst.kind,
      base: inst.base,
      quote: inst.quote,
      tickSize: o.tickSize ?? tick,
      lotSize: o.lotSize ?? lot,
      minNotional: o.minNotional ?? inst.minNotional,
      quotePrecision: inst.quotePrecision,
    });
    return { instrument, notes };
  } catch (error) {
    throw new InstrumentError(error instanceof Error ? error.message : String(error));
  }
}

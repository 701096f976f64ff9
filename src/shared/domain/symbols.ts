/**
 * Symbols as venues and users' files write them (`BTCUSDT`, `BTC-USD`, `BTC-USDT-SWAP`,
 * `BTC-PERP`, `BTC/USDT:USDT`) mapped to CCXT's unified form (`BASE/QUOTE`, `BASE/QUOTE:SETTLE`
 * for derivatives) where the mapping is certain, kept as given otherwise. A symbol kept as given
 * still needs a base and a quote currency: the base is its leading letters, the quote the
 * caller's default (the `--quote` flag, USD unless told).
 */
import { InstrumentError } from './instrument';
import type { InstrumentKind } from './instrument';

export interface ResolvedSymbol {
  /** The instrument's symbol: unified when mapped, else the given symbol upper-cased. */
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly kind: InstrumentKind;
  /** How it was read, for a note to the user: unified as given, mapped, or kept as given. */
  readonly how: 'unified' | 'mapped' | 'kept';
}

/**
 * Quote currencies recognised at the end of a concatenated symbol (`ETHBTC`), longest first so
 * `BTCUSDT` is BTC/USDT and not BTCUS/DT… Only these make a concatenated symbol "certain".
 */
const QUOTES = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'USDE', 'EUR', 'USD', 'GBP', 'JPY', 'TRY', 'BRL', 'AUD', 'DAI', 'BTC', 'ETH', 'BNB'] as const;

const CCY = /^[A-Z0-9]{2,12}$/;

/** Reads a symbol a user typed or a venue wrote; throws InstrumentError naming what is wrong. */
export function resolveSymbol(raw: string, defaultQuote = 'USD'): ResolvedSymbol {
  const dq = defaultQuote.toUpperCase();
  if (!CCY.test(dq)) throw new InstrumentError(`quote currency must be 2 to 12 letters or digits (e.g. USD), got "${defaultQuote.slice(0, 20)}"`);
  const given = raw.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9/:_.-]{0,39}$/.test(given)) {
    throw new InstrumentError(`symbol must be letters and digits with / : - _ . (e.g. BTC/USDT, BTCUSDT, BTC-PERP), got "${raw.slice(0, 40)}"`);
  }
  // Unified already: BASE/QUOTE or BASE/QUOTE:SETTLE[-EXPIRY].
  const unified = /^([A-Z0-9]{1,12})\/([A-Z0-9]{2,12})(?::([A-Z0-9]{2,12})(-[A-Z0-9]+)?)?$/.exec(given);
  if (unified?.[1] && unified[2]) {
    const kind: InstrumentKind = unified[3] === undefined ? 'spot' : unified[4] === undefined ? 'perpetual' : 'future';
    return { symbol: given, base: unified[1], quote: unified[2], kind, how: 'unified' };
  }
  // BASE-QUOTE, BASE_QUOTE (Coinbase, OKX spot, freqtrade file names).
  const pair = /^([A-Z0-9]{1,12})[-_]([A-Z0-9]{2,12})$/.exec(given);
  if (pair?.[1] && pair[2] && pair[2] !== 'PERP' && pair[2] !== 'SWAP') {
    return { symbol: `${pair[1]}/${pair[2]}`, base: pair[1], quote: pair[2], kind: 'spot', how: 'mapped' };
  }
  // OKX swaps: BASE-QUOTE-SWAP settle in the quote for USDT/USDC, in the base for USD (inverse).
  const swap = /^([A-Z0-9]{1,12})-([A-Z0-9]{2,12})-SWAP$/.exec(given);
  if (swap?.[1] && swap[2]) {
    const settle = swap[2] === 'USD' ? swap[1] : swap[2];
    return { symbol: `${swap[1]}/${swap[2]}:${settle}`, base: swap[1], quote: swap[2], kind: 'perpetual', how: 'mapped' };
  }
  // Concatenated (Binance, Bybit): a known quote at the end and at least two letters before it.
  if (/^[A-Z0-9]+$/.test(given)) {
    for (const q of QUOTES) {
      if (given.length >= q.length + 2 && given.endsWith(q)) {
        const base = given.slice(0, -q.length);
        return { symbol: `${base}/${q}`, base, quote: q, kind: 'spot', how: 'mapped' };
      }
    }
  }
  // Kept as given (BTC-PERP: which quote it settles in is the venue's business): the base is the
  // leading letters and digits, the quote the default.
  const lead = /^([A-Z0-9]{1,12})/.exec(given)?.[1] ?? given;
  const kind: InstrumentKind = /(?:^|[-_])(PERP|SWAP)$/.test(given) ? 'perpetual' : 'spot';
  return { symbol: given, base: lead, quote: dq, kind, how: 'kept' };
}

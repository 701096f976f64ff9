/**
 * Builds a BinanceRequestEncoder from a loaded ccxt `binance` / `binanceusdm` instance: its
 * markets (spot and USD-M linear perpetuals), base URLs, recvWindow and newOrderRespType options
 * (read once: set them before the venue is attached) and its time difference (read on every
 * request), so the encoder produces what that instance would.
 */
import type { HmacRequestSigner } from '../../native/signing';
import type { StreamSink } from '../ccxt/ccxt-types';
import { BinanceRequestEncoder } from './encoder';
import type { BinanceMarket } from './encoder';
import { BinanceUserDataParser, interceptOrderUpdates } from './user-data';
import type { UserDataMarket } from './user-data';

/** The fields of a ccxt binance instance read here (structural: no ccxt import). */
export interface CcxtBinanceShape {
  readonly id: string;
  apiKey?: string;
  readonly precisionMode?: number;
  readonly markets?: Record<string, { id?: string; symbol?: string; spot?: boolean; swap?: boolean; linear?: boolean; precision?: { price?: number; amount?: number } } | undefined>;
  readonly urls: { api?: Record<string, unknown> };
  readonly options: Record<string, unknown>;
}

/** ccxt's TICK_SIZE precision mode (precision.price is the tick itself). */
const TICK_SIZE = 4;

export function isBinanceFamily(id: string): boolean {
  return id === 'binance' || id === 'binanceusdm';
}

export function binanceEncoderFromCcxt(ex: CcxtBinanceShape, signer: HmacRequestSigner, now: () => number = Date.now): BinanceRequestEncoder | undefined {
  if (!isBinanceFamily(ex.id) || ex.precisionMode !== TICK_SIZE || !ex.apiKey) return undefined;
  const markets: BinanceMarket[] = [];
  for (const m of Object.values(ex.markets ?? {})) {
    if (!m?.id || !m.symbol || m.precision?.price === undefined || m.precision.amount === undefined) continue;
    const kind = m.spot === true ? 'spot' : m.swap === true && m.linear === true ? 'usdm' : undefined;
    if (kind) markets.push({ symbol: m.symbol, id: m.id, kind, tickSize: m.precision.price, stepSize: m.precision.amount });
  }
  const api = ex.urls.api ?? {};
  const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
  const int = (x: unknown): number | undefined => (typeof x === 'number' && Number.isInteger(x) ? x : undefined);
  const respType = ex.options['newOrderRespType'];
  const spotBase = str(api['private']);
  const usdmBase = str(api['fapiPrivate']);
  const recvWindow = int(ex.options['recvWindow']);
  const options = ex.options;
  return new BinanceRequestEncoder({
    apiKey: ex.apiKey,
    signer,
    markets,
    // ccxt's nonce(): its clock less `options.timeDifference`, read on every request because
    // ccxt updates it while running (adjustForTimeDifference).
    now: () => now() - (int(options['timeDifference']) ?? 0),
    ...(spotBase !== undefined ? { spotBase } : {}),
    ...(usdmBase !== undefined ? { usdmBase } : {}),
    ...(recvWindow !== undefined ? { recvWindow } : {}),
    ...(typeof respType === 'object' && respType !== null ? { newOrderRespType: respType as Record<string, string> } : {}),
  });
}

/**
 * LIBRA's reader of the order updates of a ccxt.pro `binance` / `binanceusdm` instance's user
 * data stream (./user-data.ts) for the given unified symbols, as the execution client's
 * `streamParser`; undefined for another exchange or when no symbol is a spot or USD-M market
 * (ccxt then reads everything).
 */
export function binanceStreamParserFromCcxt(ex: CcxtBinanceShape & { safeCurrencyCode?: (id: string) => string | undefined }, symbols: readonly string[], log: (line: string) => void): ((sink: StreamSink) => () => void) | undefined {
  if (!isBinanceFamily(ex.id)) return undefined;
  const markets: UserDataMarket[] = [];
  for (const symbol of symbols) {
    const m = ex.markets?.[symbol];
    if (!m?.id) continue;
    const kind = m.spot === true ? 'spot' : m.swap === true && m.linear === true ? 'usdm' : undefined;
    if (kind) markets.push({ id: m.id, kind, symbol });
  }
  if (markets.length === 0) return undefined;
  const code = ex.safeCurrencyCode;
  // ccxt's own currency naming (its common-currency renames), as its parser would name the fee.
  const parser = new BinanceUserDataParser(markets, typeof code === 'function' ? (id) => code.call(ex, id) : (id) => id);
  return (sink) => {
    const undo = interceptOrderUpdates(
      ex,
      parser,
      (u) => {
        if (u.trade !== undefined) sink.trade(u.trade);
        sink.order(u.order);
      },
      log,
    );
    return undo ?? (() => undefined);
  };
}

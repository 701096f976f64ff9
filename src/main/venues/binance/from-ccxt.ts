/**
 * Builds a BinanceRequestEncoder from a loaded ccxt `binance` / `binanceusdm` instance: its
 * markets (spot and USD-M linear perpetuals), base URLs, recvWindow and newOrderRespType options
 * (read once: set them before the venue is attached) and its time difference (read on every
 * request), so the encoder produces what that instance would.
 */
import type { HmacRequestSigner } from '../../native/signing';
import { BinanceRequestEncoder } from './encoder';
import type { BinanceMarket } from './encoder';

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

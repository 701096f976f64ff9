/**
 * Binance order request encoder: the signed REST requests of the order hot path (new order,
 * cancel, query by client order id) for spot (`/api/v3/order`) and USD-M futures
 * (`/fapi/v1/order`), built directly instead of through ccxt's generic request builder.
 *
 * Invariant: for every order it accepts, the output (method, url, body, headers) is byte for
 * byte what ccxt 4.5's `binance.createOrder` / `cancelOrder` / `fetchOrder` hand to `fetch`
 * with the same clock and options (encoder.test.ts checks it against ccxt itself). Parameter
 * order follows ccxt's `createOrderRequest` + `sign`: symbol, side, newClientOrderId,
 * newOrderRespType, type, quantity, price, [timeInForce GTX], then the caller's params
 * (timeInForce, reduceOnly) and finally timestamp first / recvWindow last around them.
 * Spot MARKET orders sized by quote amount go out as Binance's `quoteOrderQty` (what ccxt sends
 * for `params.cost`). Orders it cannot encode exactly (stops, GTD, a price that is not a
 * multiple of the market's tick, quote amounts on USD-M) return `undefined`: the caller sends
 * those through ccxt.
 *
 * Prices and quantities are formatted from the engine's raw integers, so no float rounding can
 * differ from ccxt's (ccxt formats the same value, a multiple of the tick, the same way).
 */
import type { Instrument } from '../../../shared/domain/instrument';
import type { Order } from '../../../shared/domain/order';
import type { HmacRequestSigner } from '../../native/signing';

export type BinanceMarketKind = 'spot' | 'usdm';

export interface BinanceMarket {
  /** ccxt unified symbol (`BTC/USDT`, `BTC/USDT:USDT`). */
  readonly symbol: string;
  /** Venue symbol (`BTCUSDT`). */
  readonly id: string;
  readonly kind: BinanceMarketKind;
  /** Tick and lot size as decimal numbers (ccxt's TICK_SIZE precision). */
  readonly tickSize: number;
  readonly stepSize: number;
}

export interface EncodedRequest {
  readonly method: 'POST' | 'DELETE' | 'GET';
  readonly url: string;
  readonly body: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

export interface BinanceEncoderOptions {
  readonly apiKey: string;
  readonly signer: HmacRequestSigner;
  /** Base URLs (ccxt's `urls.api.private` and `urls.api.fapiPrivate`). */
  readonly spotBase?: string;
  readonly usdmBase?: string;
  readonly markets: readonly BinanceMarket[];
  /** ccxt `options.recvWindow` (omitted from the query when undefined). */
  readonly recvWindow?: number;
  /** ccxt `options.timeDifference` (ms subtracted from the clock). */
  readonly timeDifference?: number;
  /** ccxt `options.newOrderRespType` (spot; by order type, default FULL). */
  readonly newOrderRespType?: Readonly<Record<string, string>>;
  /** Wall clock in ms (ccxt's `milliseconds()`). */
  readonly now: () => number;
}

/** qs.stringify's encoding (RFC 3986: also escapes !'()*), which ccxt's `urlencode` uses. */
function enc(v: string): string {
  return encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Raw integer at `dp` decimals → shortest decimal string (`6000000`, 2 → `60000`; `150`, 3 → `0.15`). */
export function formatRaw(raw: number, dp: number): string {
  const neg = raw < 0;
  let s = String(Math.abs(raw));
  if (dp > 0) {
    s = s.padStart(dp + 1, '0');
    const frac = s.slice(-dp).replace(/0+$/, '');
    s = s.slice(0, -dp) + (frac === '' ? '' : `.${frac}`);
  }
  return neg ? `-${s}` : s;
}

/** A decimal size as a count of 10^-dp units, or undefined when it is not a whole count. */
function unitsOf(size: number, dp: number): number | undefined {
  const units = Math.round(size * 10 ** dp);
  if (units <= 0 || Math.abs(units / 10 ** dp - size) > 1e-12 * Math.max(1, size)) return undefined;
  return units;
}

export class BinanceRequestEncoder {
  private readonly bySymbol = new Map<string, BinanceMarket>();

  constructor(private readonly o: BinanceEncoderOptions) {
    for (const m of o.markets) this.bySymbol.set(m.symbol, m);
  }

  market(symbol: string): BinanceMarket | undefined {
    return this.bySymbol.get(symbol);
  }

  /** POST order, or undefined when this order must go through ccxt. */
  newOrder(order: Order, inst: Instrument, symbol: string): EncodedRequest | undefined {
    const m = this.bySymbol.get(symbol);
    if (!m || this.baseOf(m) === undefined) return undefined;
    if (order.type !== 'MARKET' && order.type !== 'LIMIT') return undefined;
    const quote = order.quoteQuantityRaw;
    if (quote !== undefined) return this.quoteOrder(order, inst, m, quote);
    if (!this.onGrid(order.quantityRaw, m.stepSize, inst.sizePrecision)) return undefined;
    const q: string[] = [`symbol=${enc(m.id)}`, `side=${order.side}`, `newClientOrderId=${enc(order.clientOrderId)}`];
    const type = order.type === 'MARKET' ? 'market' : 'limit';
    const respType = m.kind === 'spot' ? (this.o.newOrderRespType?.[type] ?? 'FULL') : 'RESULT';
    q.push(`newOrderRespType=${enc(respType)}`);
    const tail: string[] = [];
    if (order.type === 'MARKET') {
      q.push('type=MARKET', `quantity=${formatRaw(order.quantityRaw, inst.sizePrecision)}`);
    } else {
      if (order.timeInForce === 'GTD' || order.priceRaw === undefined) return undefined;
      if (!this.onGrid(order.priceRaw, m.tickSize, inst.pricePrecision)) return undefined;
      const makerOnly = order.postOnly && m.kind === 'spot';
      q.push(`type=${makerOnly ? 'LIMIT_MAKER' : 'LIMIT'}`, `quantity=${formatRaw(order.quantityRaw, inst.sizePrecision)}`, `price=${formatRaw(order.priceRaw, inst.pricePrecision)}`);
      if (order.postOnly && m.kind === 'usdm') q.push('timeInForce=GTX');
      else if (!order.postOnly) tail.push(`timeInForce=${order.timeInForce}`);
    }
    if (order.reduceOnly && m.kind === 'usdm') tail.push('reduceOnly=true');
    return this.signed('POST', m, q.concat(tail));
  }

  /**
   * A spot MARKET order sized by quote amount: Binance's own `quoteOrderQty` (the venue fills it
   * at the fill price, quantity rounded down to the lot). ccxt truncates the amount to the
   * market's price tick (`decimalToPrecision(cost, TRUNCATE, precision.price)`); so does this.
   * USD-M has no quote-amount order: undefined (the caller converts, with its stated margin).
   */
  private quoteOrder(order: Order, inst: Instrument, m: BinanceMarket, quoteRaw: number): EncodedRequest | undefined {
    if (order.type !== 'MARKET' || m.kind !== 'spot' || !Number.isSafeInteger(quoteRaw) || quoteRaw <= 0) return undefined;
    const tick = unitsOf(m.tickSize, inst.quotePrecision);
    if (tick === undefined) return undefined;
    const truncated = quoteRaw - (quoteRaw % tick);
    if (truncated <= 0) return undefined;
    const respType = this.o.newOrderRespType?.['market'] ?? 'FULL';
    return this.signed('POST', m, [
      `symbol=${enc(m.id)}`,
      `side=${order.side}`,
      `newClientOrderId=${enc(order.clientOrderId)}`,
      `newOrderRespType=${enc(respType)}`,
      'type=MARKET',
      `quoteOrderQty=${formatRaw(truncated, inst.quotePrecision)}`,
    ]);
  }

  /** DELETE order by client order id (origClientOrderId). */
  cancel(symbol: string, clientOrderId: string): EncodedRequest | undefined {
    const m = this.bySymbol.get(symbol);
    if (!m || this.baseOf(m) === undefined) return undefined;
    return this.signed('DELETE', m, [`symbol=${enc(m.id)}`, `origClientOrderId=${enc(clientOrderId)}`]);
  }

  /** GET order by client order id (origClientOrderId). */
  query(symbol: string, clientOrderId: string): EncodedRequest | undefined {
    const m = this.bySymbol.get(symbol);
    if (!m || this.baseOf(m) === undefined) return undefined;
    return this.signed('GET', m, [`symbol=${enc(m.id)}`, `origClientOrderId=${enc(clientOrderId)}`]);
  }

  private baseOf(m: BinanceMarket): string | undefined {
    return m.kind === 'spot' ? this.o.spotBase : this.o.usdmBase;
  }

  /** The raw value is a whole number of ticks/steps (else ccxt would round it: not ours to send). */
  private onGrid(raw: number, size: number, dp: number): boolean {
    const units = unitsOf(size, dp);
    return units !== undefined && Number.isSafeInteger(raw) && raw > 0 && raw % units === 0;
  }

  private signed(method: EncodedRequest['method'], m: BinanceMarket, params: string[]): EncodedRequest {
    let query = `timestamp=${this.o.now() - (this.o.timeDifference ?? 0)}&${params.join('&')}`;
    if (this.o.recvWindow !== undefined) query += `&recvWindow=${this.o.recvWindow}`;
    query += `&signature=${this.o.signer.sign(query, 'hex')}`;
    const url = `${this.baseOf(m) ?? ''}/order`;
    if (method === 'POST') return { method, url, body: query, headers: { 'X-MBX-APIKEY': this.o.apiKey, 'Content-Type': 'application/x-www-form-urlencoded' } };
    return { method, url: `${url}?${query}`, body: undefined, headers: { 'X-MBX-APIKEY': this.o.apiKey } };
  }
}

/**
 * Binance user-data-stream order updates — spot `executionReport` (WebSocket API user data
 * stream) and USD-M `ORDER_TRADE_UPDATE` (listenKey stream) — read by LIBRA instead of ccxt's
 * generic path (handleOrderUpdate → parseWsOrder / parseWsTrade → safeOrder / safeTrade, its
 * order and trade caches, a copy of the cache per watchOrders delivery): the venue's JSON goes
 * straight to the order update and trade the execution client consumes (`OrderUpdate`,
 * `TradeUpdate`), field for field what ccxt 4.5 would hand it (user-data.test.ts runs both on
 * the same payloads).
 *
 * Invariants:
 *  - Never drop an update: a message this parser does not recognise (another event, an
 *    execution type or status it does not know, a market it was not given, a liquidation or ADL
 *    order, a field missing or malformed) is left to ccxt, whose watchOrders / watchMyTrades
 *    still deliver it. A malformed one is also logged with the reason (never the payload).
 *  - Never a wrong fill: a trade is produced only from an update whose trade id, quantity,
 *    price and order id are all present and well formed; anything else falls back.
 *
 * What differs from ccxt's delivery, by design (stateless, no cache): an order update carries
 * only its own trade in `trades` (ccxt lists every trade of the order its cache saw; the
 * execution client dedupes by trade id and fetches what it lacks by order id), and a USD-M
 * update that is not NEW / AMENDMENT / CANCELED has no `timestamp` (ccxt copies the first
 * update's from its cache; the client then uses its own clock for the report's time).
 */
import type { OrderUpdate, TradeUpdate } from '../ccxt/ccxt-types';

export interface UserDataMarket {
  /** Venue symbol (`BTCUSDT`). */
  readonly id: string;
  readonly kind: 'spot' | 'usdm';
  /** ccxt unified symbol (`BTC/USDT`, `BTC/USDT:USDT`). */
  readonly symbol: string;
}

export interface ParsedOrderUpdate {
  readonly order: OrderUpdate;
  /** The execution this update reports (x = TRADE), else undefined. */
  readonly trade: TradeUpdate | undefined;
}

/** A recognised order update that is malformed (the reason names the field, never the value). */
export class UserDataError extends Error {
  override readonly name = 'UserDataError';
}

/** Binance order status → ccxt's (binance.parseOrderStatus), the statuses of spot and USD-M orders. */
const STATUS: Readonly<Record<string, string>> = {
  NEW: 'open',
  PARTIALLY_FILLED: 'open',
  FILLED: 'closed',
  CANCELED: 'canceled',
  REJECTED: 'rejected',
  EXPIRED: 'expired',
  EXPIRED_IN_MATCH: 'expired',
};

/** Execution types read here; any other (REPLACED, TRADE_PREVENTION, CALCULATED, …) goes to ccxt. */
const EXECUTIONS: ReadonlySet<string> = new Set(['NEW', 'CANCELED', 'REJECTED', 'TRADE', 'EXPIRED', 'AMENDMENT']);

/** binance.parseOrderTypeByMarket (lower-cased venue type → ccxt's). */
const SPOT_TYPES: Readonly<Record<string, string>> = { limit_maker: 'limit', stop_loss_limit: 'limit', stop_loss: 'market', take_profit_limit: 'limit', take_profit: 'market' };
const CONTRACT_TYPES: Readonly<Record<string, string>> = { limit_maker: 'limit', stop: 'limit', stop_market: 'market', take_profit: 'limit', take_profit_market: 'market', trailing_stop_market: 'market' };

/** A venue decimal string (`"0.00100000"`), as Binance sends every quantity and price. */
const DECIMAL = /^\d+(\.\d+)?$/;

type Obj = Record<string, unknown>;

function str(o: Obj, k: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw new UserDataError(`${k}: expected a string`);
  return v;
}

function dec(o: Obj, k: string): string {
  const v = str(o, k);
  if (!DECIMAL.test(v)) throw new UserDataError(`${k}: expected a decimal string`);
  return v;
}

function int(o: Obj, k: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new UserDataError(`${k}: expected an integer`);
  return v;
}

/** A decimal string that is zero (`"0"`, `"0.00000000"`): ccxt's omitZero makes it undefined. */
function isZero(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 48 && c !== 46) return false;
  }
  return true;
}

export class BinanceUserDataParser {
  private readonly spot = new Map<string, string>();
  private readonly usdm = new Map<string, string>();

  /** `currencyCode`: the venue's asset id as ccxt names it (ccxt's `safeCurrencyCode`: common-currency renames). */
  constructor(
    markets: readonly UserDataMarket[],
    private readonly currencyCode: (id: string) => string | undefined,
  ) {
    for (const m of markets) (m.kind === 'spot' ? this.spot : this.usdm).set(m.id, m.symbol);
  }

  /**
   * The order update (and its trade) of one user-data message as ccxt's handleOrderUpdate
   * receives it (the WebSocket API's `{subscriptionId, event}` already unwrapped); undefined for
   * a message left to ccxt. Throws UserDataError for a recognised update that is malformed.
   */
  parse(message: unknown): ParsedOrderUpdate | undefined {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
    const m = message as Obj;
    const e = m['e'];
    if (e === 'executionReport') return this.read(m, 'spot');
    if (e === 'ORDER_TRADE_UPDATE') {
      const o = m['o'];
      // An array is the options stream's shape; anything else is not an order: ccxt's.
      if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
      return this.read(o as Obj, 'usdm');
    }
    return undefined;
  }

  private read(o: Obj, kind: 'spot' | 'usdm'): ParsedOrderUpdate | undefined {
    const x = o['x'];
    const rawStatus = o['X'];
    if (typeof x !== 'string' || !EXECUTIONS.has(x) || typeof rawStatus !== 'string') return undefined;
    const status = STATUS[rawStatus];
    if (status === undefined) return undefined;
    // ccxt tells the market type by the position side field; an update without it is spot to ccxt.
    const contract = 'ps' in o;
    if (contract !== (kind === 'usdm')) return undefined;
    const symbol = (kind === 'spot' ? this.spot : this.usdm).get(o['s'] as string);
    if (symbol === undefined) return undefined;
    const c = str(o, 'c');
    // Liquidation / ADL orders (USD-M): ccxt also files them as liquidations; left to it.
    if (kind === 'usdm' && (c.startsWith('autoclose-') || c === 'adl_autoclose')) return undefined;
    const C = o['C'];
    const clientOrderId = typeof C === 'string' && C !== '' ? C : c;
    const id = String(int(o, 'i'));
    const T = int(o, 'T');
    const side = str(o, 'S').toLowerCase();
    const venueType = str(o, 'o').toLowerCase();
    const type = (contract ? CONTRACT_TYPES : SPOT_TYPES)[venueType] ?? venueType;
    const q = dec(o, 'q');
    const z = dec(o, 'z');
    const p = dec(o, 'p');
    const filled = Number(z);
    // ccxt (safeOrder): a zero quantity is none (a spot order sized by quote amount), then a
    // closed order's is what filled; a zero price is none, then a market order's is its average.
    const amount = isZero(q) ? (status === 'closed' ? filled : undefined) : Number(q);
    let price = isZero(p) ? undefined : Number(p);
    if (price === undefined && type === 'market') price = this.average(o, contract, filled);
    let timestamp: number | undefined;
    if (!contract) timestamp = int(o, 'O');
    else if (x === 'NEW' || x === 'AMENDMENT' || x === 'CANCELED') timestamp = T;
    const trade = x === 'TRADE' ? this.trade(o, symbol, id, side) : undefined;
    const order: OrderUpdate = {
      id,
      clientOrderId,
      symbol,
      status,
      type,
      side,
      price,
      amount,
      filled,
      timestamp,
      lastUpdateTimestamp: T,
      trades: trade === undefined ? undefined : [trade],
      info: o,
    };
    return { order, trade };
  }

  /** ccxt's average of an order: USD-M `ap`; spot cumulative quote / filled (none before a fill). */
  private average(o: Obj, contract: boolean, filled: number): number | undefined {
    if (contract) {
      const ap = dec(o, 'ap');
      return isZero(ap) ? undefined : Number(ap);
    }
    if (!(filled > 0)) return undefined;
    return Number(dec(o, 'Z')) / filled;
  }

  private trade(o: Obj, symbol: string, order: string, side: string): TradeUpdate {
    const t = int(o, 't');
    if (t < 0) throw new UserDataError('t: a TRADE execution without a trade id');
    const l = dec(o, 'l');
    const L = dec(o, 'L');
    if (isZero(l) || isZero(L)) throw new UserDataError('l/L: a TRADE execution without quantity or price');
    if (typeof o['m'] !== 'boolean') throw new UserDataError('m: expected a boolean');
    let fee: TradeUpdate['fee'];
    // USD-M leaves n/N out when there is no commission; spot sends N null with n "0".
    if (o['n'] !== undefined) {
      const N = o['N'];
      if (N !== null && N !== undefined && typeof N !== 'string') throw new UserDataError('N: expected a string or null');
      fee = { cost: Number(dec(o, 'n')), currency: typeof N === 'string' ? this.currencyCode(N) : undefined };
    }
    return {
      id: String(t),
      order,
      symbol,
      side,
      price: Number(L),
      amount: Number(l),
      timestamp: int(o, 'T'),
      takerOrMaker: o['m'] === true ? 'maker' : 'taker',
      fee,
      info: o,
    };
  }
}

/** What of a ccxt.pro binance / binanceusdm instance the interception replaces (structural). */
interface OrderUpdateHandler {
  handleOrderUpdate?: (this: unknown, client: unknown, message: unknown) => void;
}

/**
 * Reads the instance's order updates with `parser` before ccxt does: a recognised one goes to
 * `deliver` (its trade first, then the order, the order ccxt resolves watchMyTrades and
 * watchOrders in), anything else to ccxt's own handler. Returns the undo (ccxt's handler back),
 * or undefined when the instance has no such handler (ccxt then keeps everything).
 */
export function interceptOrderUpdates(exchange: object, parser: BinanceUserDataParser, deliver: (u: ParsedOrderUpdate) => void, log: (line: string) => void): (() => void) | undefined {
  const ex = exchange as OrderUpdateHandler;
  const original = ex.handleOrderUpdate;
  if (typeof original !== 'function') return undefined;
  ex.handleOrderUpdate = function (this: unknown, client: unknown, message: unknown): void {
    let parsed: ParsedOrderUpdate | undefined;
    try {
      parsed = parser.parse(message);
    } catch (e) {
      log(`binance user data: order update not read by LIBRA (${e instanceof Error ? e.message : String(e)}); left to ccxt`);
      parsed = undefined;
    }
    if (parsed === undefined) {
      original.call(this, client, message);
      return;
    }
    try {
      deliver(parsed);
    } catch (e) {
      // The execution client does not throw from its stream handlers; if it ever does, the
      // update is not handed to ccxt too (it would arrive twice) and reconciliation recovers it.
      log(`binance user data: delivering order ${parsed.order.clientOrderId ?? parsed.order.id ?? ''} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return () => {
    if (ex.handleOrderUpdate !== original) delete ex.handleOrderUpdate;
  };
}

/**
 * The Binance order hot path: requests built by BinanceRequestEncoder, sent over one keep-alive
 * HTTP/1.1 connection pool per venue (./http1-client.ts), answers read by ccxt's own code (`parseJson`, `handleErrors`,
 * `handleHttpStatusCode`, `parseOrder`) so errors are the same ccxt classes the execution
 * client already classifies (a lost answer is still a lost answer: UNKNOWN, resolved by client
 * order id) and orders are the same unified structures.
 *
 * Invariant: each call sends its request at most once (no retry here, none in the client:
 * a socket that dies mid-request fails the request, it is never replayed).
 */
import { NetworkError, RequestTimeout } from 'ccxt';
import type { Instrument } from '../../../shared/domain/instrument';
import type { Order } from '../../../shared/domain/order';
import type { CcxtOrder } from '../ccxt/ccxt-types';
import type { BinanceRequestEncoder, EncodedRequest } from './encoder';
import { Http1Client, Http1TimeoutError } from './http1-client';

/** What of a ccxt binance instance reads the answers (structural). */
export interface CcxtBinanceReader {
  readonly timeout: number;
  market(symbol: string): unknown;
  parseJson(text: string): unknown;
  handleErrors(code: number, reason: string, url: string, method: string, headers: Record<string, string>, body: string, response: unknown, requestHeaders: unknown, requestBody: unknown): unknown;
  handleHttpStatusCode(code: number, reason: string, url: string, method: string, body: string): void;
  parseOrder(order: unknown, market?: unknown): CcxtOrder;
}

export interface HttpReply {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The order calls the execution client may route here; `undefined` = not encodable, use ccxt. */
export interface OrderFastPath {
  createOrder(order: Order, inst: Instrument, symbol: string): Promise<CcxtOrder> | undefined;
  cancelByClientId(symbol: string, clientOrderId: string): Promise<CcxtOrder> | undefined;
  fetchByClientId(symbol: string, clientOrderId: string): Promise<CcxtOrder> | undefined;
  close(): void;
}

/**
 * One keep-alive connection pool per venue (./http1-client.ts); `send` writes the request once
 * and reads the whole answer. Failures are ccxt's classes, as ccxt's own fetch would raise them:
 * a timeout is RequestTimeout, a lost or unreadable answer NetworkError (both: answer lost).
 */
export class KeepAliveTransport {
  private readonly client: Http1Client;

  constructor(timeoutMs: () => number) {
    this.client = new Http1Client(timeoutMs);
  }

  async send(r: EncodedRequest): Promise<HttpReply> {
    try {
      return await this.client.request(r);
    } catch (e) {
      const what = `binance ${r.method} ${pathOf(r.url)}`;
      if (e instanceof Http1TimeoutError) throw new RequestTimeout(`${what} ${e.message}`);
      throw new NetworkError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  close(): void {
    this.client.close();
  }
}

function pathOf(url: string): string {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  const q = url.indexOf('?');
  return slash < 0 ? '/' : url.slice(slash, q < 0 ? undefined : q);
}

export class BinanceOrderPath implements OrderFastPath {
  private readonly transport: KeepAliveTransport;

  constructor(
    private readonly encoder: BinanceRequestEncoder,
    private readonly ccxt: CcxtBinanceReader,
  ) {
    this.transport = new KeepAliveTransport(() => ccxt.timeout);
  }

  createOrder(order: Order, inst: Instrument, symbol: string): Promise<CcxtOrder> | undefined {
    const r = this.encoder.newOrder(order, inst, symbol);
    return r && this.exchange(r, symbol);
  }

  cancelByClientId(symbol: string, clientOrderId: string): Promise<CcxtOrder> | undefined {
    const r = this.encoder.cancel(symbol, clientOrderId);
    return r && this.exchange(r, symbol);
  }

  fetchByClientId(symbol: string, clientOrderId: string): Promise<CcxtOrder> | undefined {
    const r = this.encoder.query(symbol, clientOrderId);
    return r && this.exchange(r, symbol);
  }

  close(): void {
    this.transport.close();
  }

  private async exchange(r: EncodedRequest, symbol: string): Promise<CcxtOrder> {
    const reply = await this.transport.send(r);
    const text = reply.body.trim();
    const json = this.ccxt.parseJson(text);
    // What ccxt's handleRestResponse does with an answer: venue error codes, then HTTP status.
    const handled = this.ccxt.handleErrors(reply.status, reply.statusText, r.url, r.method, reply.headers, text, json, r.headers, r.body);
    if (handled === undefined) this.ccxt.handleHttpStatusCode(reply.status, reply.statusText, r.url, r.method, text);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new NetworkError(`binance ${r.method} ${pathOf(r.url)}: answer is not an order (HTTP ${reply.status})`);
    return this.ccxt.parseOrder(json, this.ccxt.market(symbol));
  }
}

/**
 * The Binance order hot path: requests built by BinanceRequestEncoder, sent over one keep-alive
 * HTTP(S) agent per venue, answers read by ccxt's own code (`parseJson`, `handleErrors`,
 * `handleHttpStatusCode`, `parseOrder`) so errors are the same ccxt classes the execution
 * client already classifies (a lost answer is still a lost answer: UNKNOWN, resolved by client
 * order id) and orders are the same unified structures.
 *
 * Invariant: each call sends its request at most once (no retry here, none in the agent:
 * a socket that dies mid-request fails the request, it is never replayed).
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { NetworkError, RequestTimeout } from 'ccxt';
import type { Instrument } from '../../../shared/domain/instrument';
import type { Order } from '../../../shared/domain/order';
import type { CcxtOrder } from '../ccxt/ccxt-types';
import type { BinanceRequestEncoder, EncodedRequest } from './encoder';

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

function flatHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** One keep-alive agent per venue; `send` writes the request once and reads the whole answer. */
export class KeepAliveTransport {
  private readonly http = new HttpAgent({ keepAlive: true, scheduling: 'lifo' });
  private readonly https = new HttpsAgent({ keepAlive: true, scheduling: 'lifo' });

  constructor(private readonly timeoutMs: () => number) {}

  send(r: EncodedRequest): Promise<HttpReply> {
    return new Promise<HttpReply>((resolve, reject) => {
      const secure = r.url.startsWith('https:');
      const headers: Record<string, string | number> = { ...r.headers };
      if (r.body !== undefined) headers['Content-Length'] = Buffer.byteLength(r.body);
      const req = (secure ? httpsRequest : httpRequest)(r.url, { method: r.method, headers, agent: secure ? this.https : this.http }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new NetworkError(`binance ${r.method} ${new URL(r.url).pathname}: ${e.message}`)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: flatHeaders(res.headers), body: Buffer.concat(chunks).toString('utf8') }));
      });
      // No Nagle delay: an order is one small write that must leave at once (Node's default
      // for http requests, set here so an agent or Node default change cannot hold it back).
      req.setNoDelay(true);
      const ms = this.timeoutMs();
      req.setTimeout(ms, () => req.destroy(new RequestTimeout(`binance ${r.method} ${new URL(r.url).pathname} timed out (${ms} ms)`)));
      req.on('error', (e) => reject(e instanceof RequestTimeout ? e : new NetworkError(`binance ${r.method} ${new URL(r.url).pathname}: ${e.message}`)));
      req.end(r.body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
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
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new NetworkError(`binance ${r.method} ${new URL(r.url).pathname}: answer is not an order (HTTP ${reply.status})`);
    return this.ccxt.parseOrder(json, this.ccxt.market(symbol));
  }
}

/**
 * HTTP front end of the Binance spot simulator: `/api/v3/*` with Binance's
 * parameter handling (query string and/or form body), `X-MBX-APIKEY`,
 * signature + timestamp checks, JSON `{code,msg}` errors, `X-MBX-USED-WEIGHT-*`
 * headers, and the REST fault hooks (injected statuses, dropped order replies,
 * delayed replies).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { splitSignature, type Authenticator } from './auth';
import { injectedBody, type Faults } from './faults';
import type { Endpoint } from './api';
import { SimApiError, type SimRequestLog } from './types';

export type RecordRequest = (entry: Omit<SimRequestLog, 'seq' | 'time'>) => SimRequestLog;

interface Deps {
  readonly endpoints: ReadonlyMap<string, Endpoint>;
  /** USD-M endpoints under `/fapi/` (keyed `"<METHOD> v1/order"`). */
  readonly futuresEndpoints?: ReadonlyMap<string, Endpoint>;
  readonly auth: Authenticator;
  readonly faults: Faults;
  readonly record: RecordRequest;
  readonly now: () => number;
}

const PREFIX = '/api/v3/';
const FAPI = '/fapi/';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class RestFrontend {
  private weightWindow = 0;
  private weightUsed = 0;
  private ordersWindow = 0;
  private ordersUsed = 0;

  constructor(private readonly deps: Deps) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.process(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'application/json;charset=UTF-8' });
        res.end(JSON.stringify({ code: -1000, msg: `An unknown error occurred while processing the request. (${String(err)})` }));
      }
    });
  }

  private async process(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { endpoints, auth, faults, record } = this.deps;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : url.search;
    const rawBody = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const params: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(rawQuery)) params[k] = v;
    if (rawBody !== '' && (contentType.includes('application/x-www-form-urlencoded') || contentType === '')) {
      for (const [k, v] of new URLSearchParams(rawBody)) params[k] = v;
    }
    const headerKey = req.headers['x-mbx-apikey'];
    const apiKey = Array.isArray(headerKey) ? headerKey[0] : headerKey;
    const entry = record({
      transport: 'rest',
      method,
      path: url.pathname,
      params: { ...params },
      apiKey,
      signed: 'signature' in params,
      signatureValid: undefined,
      status: undefined,
    });

    const injected = faults.takeStatus(url.pathname);
    if (injected !== undefined && injected.options.process !== true) {
      await this.sendInjected(res, entry, injected.status, injected.options.body, injected.options.retryAfterSec);
      return;
    }

    const endpoint = url.pathname.startsWith(PREFIX)
      ? endpoints.get(`${method} ${url.pathname.slice(PREFIX.length)}`)
      : url.pathname.startsWith(FAPI)
        ? this.deps.futuresEndpoints?.get(`${method} ${url.pathname.slice(FAPI.length)}`)
        : undefined;
    let status = 200;
    let body: unknown;
    if (endpoint === undefined) {
      status = 404;
      body = undefined;
    } else {
      try {
        let key: string | undefined;
        if (endpoint.security === 'SIGNED') {
          const q = splitSignature(rawQuery);
          const b = splitSignature(rawBody);
          const signature = q.signature ?? b.signature;
          const payload = q.unsigned + b.unsigned;
          if (apiKey !== undefined && signature !== undefined) entry.signatureValid = auth.signatureMatches(apiKey, payload, signature);
          key = auth.verifySigned(apiKey, payload, signature, params).apiKey;
        } else if (endpoint.security === 'API_KEY') {
          key = auth.requireKey(apiKey);
        }
        this.countWeight(endpoint);
        body = endpoint.handle(params, key);
      } catch (err) {
        if (!(err instanceof SimApiError)) throw err;
        status = err.httpStatus;
        body = err.data === undefined ? { code: err.code, msg: err.msg } : { code: err.code, msg: err.msg, data: err.data };
      }
    }

    if (injected !== undefined) {
      await this.sendInjected(res, entry, injected.status, injected.options.body, injected.options.retryAfterSec);
      return;
    }
    if (method === 'POST' && (url.pathname === `${PREFIX}order` || url.pathname === `${FAPI}v1/order`) && status === 200 && faults.takeDropOrderReply()) {
      entry.status = undefined;
      res.socket?.destroy();
      return;
    }
    if (faults.replyDelayMs > 0) await sleep(faults.replyDelayMs);
    if (res.destroyed) return;
    entry.status = status;
    if (body === undefined) {
      res.writeHead(status, { 'Content-Type': 'text/html' });
      res.end('<html><body><h2>404 Not found</h2></body></html>');
      return;
    }
    res.writeHead(status, {
      'Content-Type': 'application/json;charset=UTF-8',
      'X-MBX-USED-WEIGHT': String(this.weightUsed),
      'X-MBX-USED-WEIGHT-1M': String(this.weightUsed),
      ...(endpoint?.isOrder === true ? { 'X-MBX-ORDER-COUNT-10S': String(this.ordersUsed), 'X-MBX-ORDER-COUNT-1D': String(this.ordersUsed) } : {}),
    });
    res.end(JSON.stringify(body));
  }

  private countWeight(endpoint: Endpoint): void {
    const now = this.deps.now();
    const minute = Math.floor(now / 60_000);
    if (minute !== this.weightWindow) {
      this.weightWindow = minute;
      this.weightUsed = 0;
    }
    this.weightUsed += endpoint.weight;
    if (endpoint.isOrder === true) {
      const tenSec = Math.floor(now / 10_000);
      if (tenSec !== this.ordersWindow) {
        this.ordersWindow = tenSec;
        this.ordersUsed = 0;
      }
      this.ordersUsed++;
    }
  }

  private async sendInjected(res: ServerResponse, entry: SimRequestLog, status: number, body: string | undefined, retryAfterSec: number | undefined): Promise<void> {
    const { faults, now } = this.deps;
    if (faults.replyDelayMs > 0) await sleep(faults.replyDelayMs);
    if (res.destroyed) return;
    const retryAfter = retryAfterSec ?? (status === 418 ? 120 : 1);
    const text = body ?? injectedBody(status as Parameters<typeof injectedBody>[0], now(), retryAfter);
    const headers: Record<string, string> = { 'Content-Type': text.startsWith('{') ? 'application/json;charset=UTF-8' : 'text/html' };
    if (status === 429 || status === 418) headers['Retry-After'] = String(retryAfter);
    entry.status = status;
    res.writeHead(status, headers);
    res.end(text);
  }
}

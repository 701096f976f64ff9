/**
 * Request authentication of the Binance spot simulator: API keys (HMAC-SHA256
 * or Ed25519), signature verification and the timestamp / recvWindow check,
 * answering with Binance's real error codes.
 *
 * Signed payloads:
 * - REST: the query string concatenated with the request body, with the
 *   `signature` parameter removed (exactly the bytes the client signed).
 *   HMAC signatures are hex; Ed25519 signatures are base64 (URL-encoded on the
 *   wire, decoded here).
 * - WebSocket API: all params except `signature`, sorted by key and joined as
 *   `k=v&k=v` without URL encoding.
 */

import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { SimApiError } from './types';

/** One API key accepted by the simulator. */
export type SimCredential =
  | { readonly apiKey: string; readonly secret: string }
  | { readonly apiKey: string; readonly ed25519PublicKeyPem: string };

interface KeyEntry {
  readonly hmacSecret?: string;
  readonly publicKey?: KeyObject;
}

export interface AuthResult {
  readonly apiKey: string;
}

export class Authenticator {
  private readonly keys = new Map<string, KeyEntry>();

  constructor(
    credentials: readonly SimCredential[],
    private readonly now: () => number,
  ) {
    for (const c of credentials) {
      if ('secret' in c) this.keys.set(c.apiKey, { hmacSecret: c.secret });
      else this.keys.set(c.apiKey, { publicKey: createPublicKey(c.ed25519PublicKeyPem) });
    }
  }

  /** Checks an API key for endpoints that need a key but no signature. */
  requireKey(apiKey: string | undefined): string {
    if (apiKey === undefined || apiKey === '') throw new SimApiError(401, -2014, 'API-key format invalid.');
    if (!this.keys.has(apiKey)) throw new SimApiError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    return apiKey;
  }

  /**
   * Verifies a signed request. `payload` is the exact signed byte string,
   * `signature` the decoded signature parameter, `params` the parsed parameters.
   */
  verifySigned(apiKey: string | undefined, payload: string, signature: string | undefined, params: Readonly<Record<string, string>>): AuthResult {
    const key = this.requireKey(apiKey);
    if (signature === undefined || signature === '') throw new SimApiError(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    if (!this.signatureMatches(key, payload, signature)) throw new SimApiError(400, -1022, 'Signature for this request is not valid.');
    this.checkTimestamp(params);
    return { apiKey: key };
  }

  signatureMatches(apiKey: string, payload: string, signature: string): boolean {
    const entry = this.keys.get(apiKey);
    if (entry === undefined) return false;
    if (entry.hmacSecret !== undefined) {
      const expected = createHmac('sha256', entry.hmacSecret).update(payload).digest('hex');
      const given = signature.toLowerCase();
      return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    }
    if (entry.publicKey !== undefined) {
      try {
        return verify(null, Buffer.from(payload), entry.publicKey, Buffer.from(signature, 'base64'));
      } catch {
        return false;
      }
    }
    return false;
  }

  checkTimestamp(params: Readonly<Record<string, string>>): void {
    const raw = params['timestamp'];
    if (raw === undefined || raw === '') throw new SimApiError(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
    const ts = Number(raw);
    if (!Number.isFinite(ts)) throw new SimApiError(400, -1100, "Illegal characters found in parameter 'timestamp'; legal range is '^[0-9]{1,20}$'.");
    const recvRaw = params['recvWindow'];
    const recvWindow = recvRaw === undefined || recvRaw === '' ? 5000 : Number(recvRaw);
    if (!(recvWindow >= 0) || recvWindow > 60_000) throw new SimApiError(400, -1131, 'recvWindow must be less than 60000');
    const now = this.now();
    if (ts > now + 1000) throw new SimApiError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
    if (now - ts > recvWindow) throw new SimApiError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
  }
}

/** Removes the `signature=` pair from a raw `a=1&b=2` string, returning both parts. */
export function splitSignature(raw: string): { unsigned: string; signature: string | undefined } {
  if (raw === '') return { unsigned: '', signature: undefined };
  let signature: string | undefined;
  const kept: string[] = [];
  for (const pair of raw.split('&')) {
    if (pair.startsWith('signature=')) signature = decodeURIComponent(pair.slice('signature='.length));
    else kept.push(pair);
  }
  return { unsigned: kept.join('&'), signature };
}

/** The WebSocket API signing payload: params sorted by key, `signature` excluded, no URL encoding. */
export function wsApiPayload(params: Readonly<Record<string, unknown>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&');
}

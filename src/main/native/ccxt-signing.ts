/**
 * Routes a CCXT exchange's request signing through a LIBRA signer (native when available), so
 * the API secret lives inside the signer and not in the exchange object.
 *
 * How CCXT signs (ccxt 4.5, js/src): `Exchange` assigns `this.hmac = hmac` (base/functions/
 * crypto.js: `hmac(request, secret, hash, digest = 'hex')` over @noble/hashes) in its
 * constructor, and each exchange's `sign()` calls `this.hmac(this.encode(query),
 * this.encode(this.secret), sha256)` — binance.js does exactly that. So overriding the INSTANCE
 * method `hmac` intercepts every HMAC signature. Ed25519 is different: binance.js imports
 * `eddsa` as a module function (`eddsa(this.encode(query), this.secret, ed25519)`), which no
 * instance override reaches; `installNativeEd25519Signing` therefore wraps `sign()` itself for
 * Binance-style requests (signature = base64 Ed25519 of the query string, appended as
 * `&signature=`), re-signing natively.
 *
 * The exchange keeps a PLACEHOLDER secret (CCXT's `checkRequiredCredentials` needs a non-empty
 * one). The `hmac` override recognises the placeholder and signs with the held key; any other
 * secret (an exchange that derives keys from the secret, e.g. base64-decodes it) falls through
 * to CCXT's original function — such exchanges must not use this installer.
 */
import type { Ed25519RequestSigner, HmacRequestSigner } from './signing';

/** What of a CCXT exchange instance this module touches (kept structural: no ccxt import). */
export interface CcxtSignable {
  secret?: string;
  hmac: (request: unknown, secret: unknown, hash: unknown, digest?: 'hex' | 'base64' | 'binary') => unknown;
  sign: (path: string, api?: unknown, method?: string, params?: Record<string, unknown>, headers?: unknown, body?: unknown) => { url: string; method: string; body?: unknown; headers?: unknown };
}

/** Non-empty, not a PEM (so binance takes its HMAC branch), and obviously not a key. */
export const NATIVE_SECRET_PLACEHOLDER = 'libra-native-signer';

function bytesOf(x: unknown): Uint8Array | string | undefined {
  if (typeof x === 'string' || x instanceof Uint8Array) return x;
  return undefined;
}

function sameBytes(a: unknown, b: Uint8Array): boolean {
  const x = typeof a === 'string' ? new TextEncoder().encode(a) : a;
  if (!(x instanceof Uint8Array) || x.length !== b.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== b[i]) return false;
  return true;
}

/** The HMAC-SHA256 signer installed on each exchange instance (for request encoders that sign directly). */
const installedSha256 = new WeakMap<object, HmacRequestSigner>();

/** The SHA-256 signer `installNativeSigning` put on this exchange, if any. */
export function installedHmacSigner(exchange: object): HmacRequestSigner | undefined {
  return installedSha256.get(exchange);
}

export interface NativeSigningHandle {
  /** Restores CCXT's own `hmac`/`sign` (the secret is NOT restored: pass it again if needed). */
  uninstall(): void;
}

/**
 * Overrides `exchange.hmac` so SHA-256/512 HMACs keyed with the placeholder are computed by
 * `signers`; sets `exchange.secret` to the placeholder. The digest `hash` is identified by its
 * output length (noble hashes expose `outputLen`: 32 → sha256, 64 → sha512).
 */
export function installNativeSigning(
  exchange: CcxtSignable,
  signers: { readonly sha256?: HmacRequestSigner; readonly sha512?: HmacRequestSigner },
): NativeSigningHandle {
  const original = exchange.hmac;
  const placeholder = new TextEncoder().encode(NATIVE_SECRET_PLACEHOLDER);
  exchange.secret = NATIVE_SECRET_PLACEHOLDER;
  if (signers.sha256) installedSha256.set(exchange, signers.sha256);
  exchange.hmac = (request, secret, hash, digest = 'hex') => {
    const len = (hash as { outputLen?: number } | undefined)?.outputLen;
    const signer = len === 32 ? signers.sha256 : len === 64 ? signers.sha512 : undefined;
    const payload = bytesOf(request);
    if (signer === undefined || payload === undefined || !sameBytes(secret, placeholder)) return original.call(exchange, request, secret, hash, digest);
    if (digest === 'binary') return new Uint8Array(Buffer.from(signer.sign(payload, 'hex'), 'hex'));
    return signer.sign(payload, digest);
  };
  return {
    uninstall: () => {
      exchange.hmac = original;
      installedSha256.delete(exchange);
    },
  };
}

/**
 * Binance Ed25519 API keys: CCXT would sign with `eddsa(..., this.secret, ed25519)` in pure JS.
 * The exchange gets a throwaway PEM-looking placeholder (≤ 120 chars, containing "PRIVATE KEY",
 * so binance.js takes its Ed25519 branch) and every signed URL/body has its `signature=` value
 * replaced by the native signature of the exact query that precedes it.
 */
export function installNativeEd25519Signing(exchange: CcxtSignable, signer: Ed25519RequestSigner): NativeSigningHandle {
  const original = exchange.sign;
  // A valid PKCS#8 PEM of an all-zero seed: CCXT signs with it (wasted work), we replace the result.
  exchange.secret = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----';
  const resign = (s: string): string => {
    const at = s.lastIndexOf('signature=');
    if (at <= 0) return s;
    const query = s.slice(s.indexOf('?') + 1, at - 1);
    const end = s.indexOf('&', at);
    const sig = encodeURIComponent(signer.sign(query).toString('base64'));
    return s.slice(0, at) + 'signature=' + sig + (end === -1 ? '' : s.slice(end));
  };
  exchange.sign = function (this: CcxtSignable, ...args: Parameters<CcxtSignable['sign']>) {
    const r = original.apply(this, args);
    if (typeof r.body === 'string' && r.body.includes('signature=')) return { ...r, body: resign(r.body) };
    if (r.url.includes('signature=')) return { ...r, url: resign(r.url) };
    return r;
  };
  return {
    uninstall: () => {
      exchange.sign = original;
    },
  };
}

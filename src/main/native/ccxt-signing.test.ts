/**
 * CCXT integration without network: a ccxt `binance` instance's `sign()` produces the same
 * request with and without LIBRA signing installed (HMAC and Ed25519 keys), for the native and
 * the TypeScript signers, and the exchange object no longer holds the real secret.
 */
import { createHmac, createPrivateKey } from 'node:crypto';
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { installNativeEd25519Signing, installNativeSigning, NATIVE_SECRET_PLACEHOLDER } from './ccxt-signing';
import type { CcxtSignable } from './ccxt-signing';
import { tryLoadNative } from './index';
import { NativeEd25519Signer, NativeHmacSigner, TsEd25519Signer, TsHmacSigner } from './signing';
import type { Ed25519RequestSigner, HmacRequestSigner } from './signing';

const API_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const PARAMS = { symbol: 'LTCBTC', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '1', price: '0.1', recvWindow: 5000, newClientOrderId: 'libra-test-1' };

function binance(secret: string): CcxtSignable {
  const ex = new ccxt.binance({ apiKey: API_KEY, secret });
  // Deterministic timestamp so two instances sign the same query.
  ex.milliseconds = () => 1499827319559;
  ex.nonce = () => 1499827319559;
  return ex as unknown as CcxtSignable;
}

const loaded = tryLoadNative();
const hmacImpls: Array<[string, () => HmacRequestSigner]> = [['typescript', () => new TsHmacSigner('sha256', SECRET)]];
const edImpls: Array<[string, () => Ed25519RequestSigner]> = [['typescript', () => new TsEd25519Signer(SEED)]];
if (loaded.ok) {
  hmacImpls.push(['native', () => new NativeHmacSigner(loaded.addon, 'sha256', SECRET)]);
  edImpls.push(['native', () => new NativeEd25519Signer(loaded.addon, SEED)]);
}

describe('installNativeSigning (HMAC)', () => {
  for (const [name, make] of hmacImpls) {
    it(`signs a binance order request exactly like CCXT does (${name} signer)`, () => {
      const plain = binance(SECRET).sign('order', 'private', 'POST', { ...PARAMS });
      const ex = binance('');
      installNativeSigning(ex, { sha256: make() });
      const signed = ex.sign('order', 'private', 'POST', { ...PARAMS });
      expect(signed).toEqual(plain);
      expect(ex.secret).toBe(NATIVE_SECRET_PLACEHOLDER);
      const body = String(signed.body);
      const query = body.slice(0, body.indexOf('&signature='));
      expect(body.endsWith(`signature=${createHmac('sha256', SECRET).update(query).digest('hex')}`)).toBe(true);
    });
  }

  it('falls through to CCXT for a secret other than the placeholder', () => {
    const ex = binance('');
    installNativeSigning(ex, { sha256: new TsHmacSigner('sha256', SECRET) });
    const sha256 = { outputLen: 32 };
    // Another secret is not ours to replace: CCXT's own function runs (and needs a real hash).
    expect(() => ex.hmac('abc', 'other', sha256)).toThrow();
  });

  it('uninstall restores CCXT hmac', () => {
    const ex = binance('');
    const original = ex.hmac;
    installNativeSigning(ex, { sha256: new TsHmacSigner('sha256', SECRET) }).uninstall();
    expect(ex.hmac).toBe(original);
  });
});

describe('installNativeEd25519Signing', () => {
  const pem = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), SEED]), format: 'der', type: 'pkcs8' })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();

  for (const [name, make] of edImpls) {
    it(`produces the same Ed25519-signed binance request as CCXT's pure-JS path (${name} signer)`, () => {
      const plain = binance(pem).sign('order', 'private', 'POST', { ...PARAMS });
      const ex = binance('');
      installNativeEd25519Signing(ex, make());
      const signed = ex.sign('order', 'private', 'POST', { ...PARAMS });
      expect(signed).toEqual(plain);
      expect(ex.secret).not.toContain(pem.split('\n')[1]);
    });
  }
});

/**
 * Request signers: HMAC-SHA256/512 (hex or base64) and Ed25519, native (Rust, keys held in the
 * addon) or TypeScript (`node:crypto`, keys held in a KeyObject). Both implementations satisfy
 * the same interfaces and are tested against RFC 4231, RFC 8032 and Binance's worked example.
 *
 * Keys are handed over once, at construction; no method returns them and no error message
 * contains them.
 */
import { createHmac, createPrivateKey, createPublicKey, createSecretKey, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type * as Addon from '../../../native/index';

export type HmacAlgorithm = 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64';
export type SignerImplementation = 'native' | 'typescript';

export interface HmacRequestSigner {
  readonly implementation: SignerImplementation;
  readonly algorithm: HmacAlgorithm;
  sign(payload: string | Uint8Array, encoding: SignatureEncoding): string;
}

export interface Ed25519RequestSigner {
  readonly implementation: SignerImplementation;
  /** 64-byte signature. */
  sign(payload: string | Uint8Array): Buffer;
  /** 32-byte public key. */
  publicKey(): Buffer;
  /**
   * Signs many payloads off the JS thread (native: one napi-rs AsyncTask on the libuv pool;
   * TypeScript: node:crypto's callback form, also on the pool). Payloads are read when it is
   * called; signature k belongs to payload k.
   */
  signMany(payloads: readonly (string | Uint8Array)[]): Promise<Buffer[]>;
}

export class SignerError extends Error {
  override readonly name = 'SignerError';
  constructor(
    readonly code: 'ERR_SIGN_EMPTY_SECRET' | 'ERR_SIGN_BAD_SEED' | 'ERR_LIBRA_INVALID_ARGUMENT',
    message: string,
  ) {
    super(message);
  }
}

function checkAlgorithm(algorithm: string): asserts algorithm is HmacAlgorithm {
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new SignerError('ERR_LIBRA_INVALID_ARGUMENT', "algorithm must be 'sha256' or 'sha512'");
  }
}

/** node:crypto HMAC; the secret lives in a KeyObject (not a JS string we keep around). */
export class TsHmacSigner implements HmacRequestSigner {
  readonly implementation = 'typescript' as const;
  private readonly key: KeyObject;
  constructor(
    readonly algorithm: HmacAlgorithm,
    secret: string | Uint8Array,
  ) {
    checkAlgorithm(algorithm);
    const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
    if (bytes.length === 0) throw new SignerError('ERR_SIGN_EMPTY_SECRET', 'HMAC secret must not be empty');
    this.key = createSecretKey(bytes);
    bytes.fill(0);
  }
  sign(payload: string | Uint8Array, encoding: SignatureEncoding): string {
    return createHmac(this.algorithm, this.key).update(payload).digest(encoding);
  }
}

/** PKCS#8 DER prefix for a raw Ed25519 seed (RFC 8410): node:crypto imports keys only in a container. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class TsEd25519Signer implements Ed25519RequestSigner {
  readonly implementation = 'typescript' as const;
  private readonly key: KeyObject;
  private readonly pub: Buffer;
  constructor(seed32: Uint8Array) {
    if (!(seed32 instanceof Uint8Array) || seed32.length !== 32) throw new SignerError('ERR_SIGN_BAD_SEED', 'Ed25519 seed must be exactly 32 bytes');
    const der = Buffer.concat([ED25519_PKCS8_PREFIX, seed32]);
    this.key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    der.fill(0);
    // The SPKI DER of an Ed25519 key is a 12-byte header followed by the raw 32-byte key.
    this.pub = createPublicKey(this.key).export({ format: 'der', type: 'spki' }).subarray(12);
  }
  sign(payload: string | Uint8Array): Buffer {
    return cryptoSign(null, typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload, this.key);
  }
  publicKey(): Buffer {
    return Buffer.from(this.pub);
  }
  signMany(payloads: readonly (string | Uint8Array)[]): Promise<Buffer[]> {
    return Promise.all(
      payloads.map(
        (p) =>
          new Promise<Buffer>((resolve, reject) => {
            cryptoSign(null, typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p), this.key, (err, sig) => (err ? reject(err) : resolve(sig)));
          }),
      ),
    );
  }
}

type AddonModule = typeof Addon;

export class NativeHmacSigner implements HmacRequestSigner {
  readonly implementation = 'native' as const;
  private readonly inner: Addon.HmacSigner;
  /** Plain native function bound to the key (the hex hot path, no per-call receiver checks). */
  private readonly hex: (payload: string | Uint8Array) => string;
  constructor(
    addon: AddonModule,
    readonly algorithm: HmacAlgorithm,
    secret: string | Uint8Array,
  ) {
    checkAlgorithm(algorithm);
    this.inner = new addon.HmacSigner(algorithm, secret);
    this.hex = this.inner.hexSigner();
  }
  sign(payload: string | Uint8Array, encoding: SignatureEncoding): string {
    // Hex (every HMAC venue in CCXT's hot path) takes the no-allocation call.
    return encoding === 'hex' ? this.hex(payload) : this.inner.sign(payload, encoding);
  }
}

export class NativeEd25519Signer implements Ed25519RequestSigner {
  readonly implementation = 'native' as const;
  private readonly inner: Addon.Ed25519Signer;
  constructor(addon: AddonModule, seed32: Uint8Array) {
    this.inner = new addon.Ed25519Signer(seed32);
  }
  sign(payload: string | Uint8Array): Buffer {
    return this.inner.sign(payload);
  }
  publicKey(): Buffer {
    return this.inner.publicKey();
  }
  async signMany(payloads: readonly (string | Uint8Array)[]): Promise<Buffer[]> {
    const all = await this.inner.signBatch(payloads as Array<string | Uint8Array>);
    return Array.from({ length: payloads.length }, (_, k) => all.subarray(k * 64, k * 64 + 64));
  }
}

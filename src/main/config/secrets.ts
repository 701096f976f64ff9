/**
 * API keys: stored encrypted, held only in the main process, never logged, never sent to a
 * renderer.
 *
 *  - Headless: a key file encrypted with AES-256-GCM under a key derived by scrypt from a
 *    passphrase (argument, or LIBRA_KEY_PASSPHRASE). Tampering fails the GCM tag check.
 *  - Electron: `SealedSecretStore` (sealed-secrets.ts) implements `SecretStore` with safeStorage.
 *  - `ApiKey` redacts itself in toString / JSON / util.inspect, so an accidental log shows
 *    `ApiKey(binance-main, testnet, ****abcd)`.
 *  - Each key is tagged testnet or production; `assertEndpointMatches` refuses a testnet key
 *    for a production endpoint and vice versa.
 *  - A live key that can withdraw is refused where the venue can tell (`WithdrawalCheck`;
 *    Binance: GET sapi/v1/account/apiRestrictions → enableWithdrawals). When the venue cannot
 *    tell (no such endpoint, or the simulator), the answer is 'UNKNOWN' and the caller decides
 *    explicitly (`allowUnknownWithdrawal`), default: refuse.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { inspect } from 'node:util';

export class SecretError extends Error {
  override readonly name = 'SecretError';
}

export type KeyEnvironment = 'testnet' | 'production';

export interface ApiKeyMaterial {
  readonly id: string;
  readonly venue: string;
  readonly environment: KeyEnvironment;
  readonly apiKey: string;
  readonly secret: string;
  readonly password?: string;
}

/** A key that never prints its secret. Read `.material` only to hand it to the exchange client. */
export class ApiKey {
  readonly #material: ApiKeyMaterial;

  constructor(material: ApiKeyMaterial) {
    this.#material = Object.freeze({ ...material });
  }

  get id(): string {
    return this.#material.id;
  }

  get venue(): string {
    return this.#material.venue;
  }

  get environment(): KeyEnvironment {
    return this.#material.environment;
  }

  /** The raw key: only for `new ccxt.<venue>({ apiKey, secret })` in main. */
  get material(): ApiKeyMaterial {
    return this.#material;
  }

  toString(): string {
    return `ApiKey(${this.id}, ${this.environment}, ****${this.#material.apiKey.slice(-4)})`;
  }

  toJSON(): Record<string, string> {
    return { id: this.id, venue: this.venue, environment: this.environment, apiKey: `****${this.#material.apiKey.slice(-4)}` };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Implemented by the Electron app with safeStorage; by `FileSecretStore` headless. */
export interface SecretStore {
  get(id: string): Promise<ApiKey | undefined>;
  list(): Promise<readonly { id: string; venue: string; environment: KeyEnvironment }[]>;
}

interface KeyFile {
  readonly v: 1;
  readonly kdf: { readonly n: number; readonly r: number; readonly p: number; readonly salt: string };
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

const KDF = { n: 2 ** 15, r: 8, p: 1 } as const;

function deriveKey(passphrase: string, salt: Buffer, kdf: { n: number; r: number; p: number }): Buffer {
  return scryptSync(passphrase, salt, 32, { N: kdf.n, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.n * kdf.r });
}

export function passphraseFrom(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const p = given ?? env['LIBRA_KEY_PASSPHRASE'];
  if (p === undefined || p === '') throw new SecretError('no passphrase: pass one or set LIBRA_KEY_PASSPHRASE');
  return p;
}

export function encryptKeys(keys: readonly ApiKeyMaterial[], passphrase: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(passphrase, salt, KDF), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(keys), 'utf8'), cipher.final()]);
  const file: KeyFile = { v: 1, kdf: { ...KDF, salt: salt.toString('base64') }, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  return JSON.stringify(file);
}

export function decryptKeys(text: string, passphrase: string): ApiKeyMaterial[] {
  let file: KeyFile;
  try {
    file = JSON.parse(text) as KeyFile;
  } catch {
    throw new SecretError('key file is not valid JSON');
  }
  if (file.v !== 1) throw new SecretError(`unsupported key file version ${String(file.v)}`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(passphrase, Buffer.from(file.kdf.salt, 'base64'), file.kdf), Buffer.from(file.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(file.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(file.data, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as ApiKeyMaterial[];
  } catch {
    // Never echo anything from the file: wrong passphrase and tampering look the same.
    throw new SecretError('cannot decrypt key file: wrong passphrase or the file was modified');
  }
}

export function writeKeyFile(path: string, keys: readonly ApiKeyMaterial[], passphrase: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, encryptKeys(keys, passphrase), { mode: 0o600 });
  renameSync(tmp, path);
}

export class FileSecretStore implements SecretStore {
  private readonly keys: Map<string, ApiKey>;

  constructor(path: string, passphrase: string) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new SecretError(`cannot read key file ${path}`);
    }
    this.keys = new Map(decryptKeys(text, passphrase).map((m) => [m.id, new ApiKey(m)]));
  }

  async get(id: string): Promise<ApiKey | undefined> {
    return this.keys.get(id);
  }

  async list(): Promise<readonly { id: string; venue: string; environment: KeyEnvironment }[]> {
    return [...this.keys.values()].map((k) => ({ id: k.id, venue: k.venue, environment: k.environment }));
  }
}

/** A testnet key only for a sandbox endpoint, a production key only for production. */
export function assertEndpointMatches(key: ApiKey, sandbox: boolean): void {
  if (sandbox && key.environment !== 'testnet') throw new SecretError(`${key.toString()} is a production key; refusing to use it on a testnet endpoint`);
  if (!sandbox && key.environment !== 'production') throw new SecretError(`${key.toString()} is a testnet key; refusing to use it on a production endpoint`);
}

export type WithdrawalAnswer = 'ENABLED' | 'DISABLED' | 'UNKNOWN';

/** Asks the venue whether a key can withdraw. */
export interface WithdrawalCheck {
  check(): Promise<WithdrawalAnswer>;
}

/** Binance: GET /sapi/v1/account/apiRestrictions (ccxt: sapiGetAccountApiRestrictions). */
export function binanceWithdrawalCheck(exchange: { sapiGetAccountApiRestrictions?: (params?: Record<string, unknown>) => Promise<unknown> }): WithdrawalCheck {
  return {
    async check(): Promise<WithdrawalAnswer> {
      if (typeof exchange.sapiGetAccountApiRestrictions !== 'function') return 'UNKNOWN';
      try {
        const r = (await exchange.sapiGetAccountApiRestrictions()) as { enableWithdrawals?: unknown };
        if (r.enableWithdrawals === true) return 'ENABLED';
        if (r.enableWithdrawals === false) return 'DISABLED';
        return 'UNKNOWN';
      } catch {
        // Endpoint missing (simulator, restricted region) or refused: the venue cannot tell us.
        return 'UNKNOWN';
      }
    },
  };
}

/** Refuses a live key that can withdraw; 'UNKNOWN' is refused unless explicitly allowed. */
export async function assertNoWithdrawal(key: ApiKey, check: WithdrawalCheck, allowUnknownWithdrawal = false): Promise<WithdrawalAnswer> {
  const answer = await check.check();
  if (answer === 'ENABLED') throw new SecretError(`${key.toString()} has withdrawal permission; create a trade-only key`);
  if (answer === 'UNKNOWN' && !allowUnknownWithdrawal) {
    throw new SecretError(`${key.toString()}: ${key.venue} cannot tell whether this key may withdraw; set allowUnknownWithdrawal to accept the risk`);
  }
  return answer;
}

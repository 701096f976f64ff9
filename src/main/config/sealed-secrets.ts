/**
 * API keys entered in the desktop app, sealed by the OS keychain: a `SecretStore` whose file
 * (`<data folder>/app-keys.json`) holds each key's id, venue and environment in the clear (so the
 * app can list them without unsealing) and its key, secret and password sealed by an injected
 * `Sealer` — Electron's safeStorage in the app (src/main/app), a fake in unit tests under Node.
 *
 * Invariants: key material is unsealed only in `get` (main process, to hand to the exchange
 * client) and never written in the clear; the file is replaced atomically (temp file, rename)
 * with mode 0600; a file that does not parse is refused with its path, never its contents.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ApiKey, SecretError } from './secrets';
import type { ApiKeyMaterial, KeyEnvironment, SecretStore } from './secrets';

/** What safeStorage offers (`isEncryptionAvailable`, `encryptString`, `decryptString`). */
export interface Sealer {
  isAvailable(): boolean;
  seal(plain: string): Buffer;
  unseal(sealed: Buffer): string;
}

export const APP_KEYS_FILE = 'app-keys.json';

const keyId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'key id must be 1-64 letters, digits, . _ or -');
const venueId = z.string().regex(/^[a-z0-9]{1,32}$/, 'venue must be a ccxt id such as binance');
const environment = z.enum(['testnet', 'production']);

/** A key as the app's dialog hands it over (validated before anything is sealed). */
export const ApiKeyMaterialSchema = z
  .object({
    id: keyId,
    venue: venueId,
    environment,
    apiKey: z.string().trim().min(1, 'the API key must not be empty').max(512),
    secret: z.string().trim().min(1, 'the secret must not be empty').max(8192),
    password: z.string().max(512).optional(),
  })
  .strict();

const Sealed = z.object({ venue: venueId, environment, sealed: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/) }).strict();
const FileSchema = z.object({ v: z.literal(1), keys: z.record(keyId, Sealed) }).strict();
type SealedFile = z.infer<typeof FileSchema>;

const Material = z.object({ apiKey: z.string(), secret: z.string(), password: z.string().optional() }).strict();

export class SealedSecretStore implements SecretStore {
  constructor(private readonly path: string, private readonly sealer: Sealer) {}

  async get(id: string): Promise<ApiKey | undefined> {
    const entry = this.read().keys[id];
    if (!entry) return undefined;
    let parsed: z.infer<typeof Material>;
    try {
      parsed = Material.parse(JSON.parse(this.sealer.unseal(Buffer.from(entry.sealed, 'base64'))));
    } catch {
      throw new SecretError(`cannot unseal key ${id} in ${this.path} (sealed by another user or machine?)`);
    }
    return new ApiKey({ id, venue: entry.venue, environment: entry.environment, ...parsed });
  }

  async list(): Promise<readonly { id: string; venue: string; environment: KeyEnvironment }[]> {
    return Object.entries(this.read().keys).map(([id, k]) => ({ id, venue: k.venue, environment: k.environment }));
  }

  /** Seals and stores a key (replacing one with the same id). Throws a SecretError naming the bad field. */
  put(input: unknown): { id: string; keys: number } {
    const r = ApiKeyMaterialSchema.safeParse(input);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new SecretError(`${issue?.path.join('.') || 'key'}: ${issue?.message ?? 'invalid'}`);
    }
    if (!this.sealer.isAvailable()) throw new SecretError('the OS keychain is not available: keys cannot be sealed (use `libra keys add` and the key file)');
    const m: ApiKeyMaterial = r.data;
    const plain = JSON.stringify({ apiKey: m.apiKey, secret: m.secret, ...(m.password !== undefined ? { password: m.password } : {}) });
    const file = this.read();
    const keys = { ...file.keys, [m.id]: { venue: m.venue, environment: m.environment, sealed: this.sealer.seal(plain).toString('base64') } };
    this.write({ v: 1, keys });
    return { id: m.id, keys: Object.keys(keys).length };
  }

  /** Removes a key; false when there was none with that id. */
  remove(id: string): boolean {
    const file = this.read();
    if (!(id in file.keys)) return false;
    const keys = Object.fromEntries(Object.entries(file.keys).filter(([k]) => k !== id));
    this.write({ v: 1, keys });
    return true;
  }

  private read(): SealedFile {
    if (!existsSync(this.path)) return { v: 1, keys: {} };
    try {
      return FileSchema.parse(JSON.parse(readFileSync(this.path, 'utf8')));
    } catch {
      throw new SecretError(`${this.path} is not an app key file (version 1)`);
    }
  }

  private write(file: SealedFile): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}

/** The first store that has the key answers (the app: its sealed keys, then the key file). */
export function chainSecretStores(stores: readonly SecretStore[]): SecretStore {
  return {
    async get(id) {
      for (const s of stores) {
        const k = await s.get(id);
        if (k) return k;
      }
      return undefined;
    },
    async list() {
      const seen = new Set<string>();
      const out: { id: string; venue: string; environment: KeyEnvironment }[] = [];
      for (const s of stores) {
        for (const k of await s.list()) {
          if (seen.has(k.id)) continue;
          seen.add(k.id);
          out.push(k);
        }
      }
      return out;
    },
  };
}

/**
 * The venue keys a window may write and list (the "Venue keys…" dialog): write-only books over
 * the app's sealed store (Electron safeStorage) or the encrypted key file `libra serve --keys`
 * runs with. A book lists key names, venues and API keys masked to their last four characters;
 * nothing here returns a secret, and errors name the field or the file, never a value.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { VenueKeyView } from '../../shared/ipc/views';
import { ApiKeyMaterialSchema } from './sealed-secrets';
import type { SealedSecretStore } from './sealed-secrets';
import { decryptKeys, SecretError, writeKeyFile } from './secrets';
import type { ApiKeyMaterial } from './secrets';

export type VenueKeyBook =
  | {
      readonly writable: true;
      readonly store: VenueKeyView['store'];
      list(): Promise<readonly VenueKeyView[]>;
      put(input: unknown): Promise<VenueKeyView>;
    }
  | { readonly writable: false; readonly reason: string };

/** `****` and the last four characters (the whole key is never shown, even a short one). */
export function maskApiKey(apiKey: string): string {
  return apiKey.length >= 12 ? `****${apiKey.slice(-4)}` : '****';
}

function validated(input: unknown): ApiKeyMaterial {
  const r = ApiKeyMaterialSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new SecretError(`${issue?.path.join('.') || 'key'}: ${issue?.message ?? 'invalid'}`);
  }
  const m = r.data;
  return { id: m.id, venue: m.venue, environment: m.environment, apiKey: m.apiKey, secret: m.secret, ...(m.password !== undefined && m.password !== '' ? { password: m.password } : {}) };
}

const view = (m: Pick<ApiKeyMaterial, 'id' | 'venue' | 'environment' | 'apiKey'>, store: VenueKeyView['store']): VenueKeyView => ({ id: m.id, venue: m.venue, environment: m.environment, apiKey: maskApiKey(m.apiKey), store });

/** The desktop app's keys, sealed by the OS keychain. */
export function sealedKeyBook(store: SealedSecretStore): VenueKeyBook {
  return {
    writable: true,
    store: 'keychain',
    async list() {
      const out: VenueKeyView[] = [];
      for (const k of await store.list()) {
        const key = await store.get(k.id);
        if (key) out.push(view(key.material, 'keychain'));
      }
      return out;
    },
    async put(input) {
      const m = validated(input);
      store.put(m);
      return view(m, 'keychain');
    },
  };
}

/** The encrypted key file (AES-256-GCM, scrypt from the passphrase) a session reads its keys from. */
export function keyFileBook(file: string, passphrase: string): VenueKeyBook {
  const read = (): ApiKeyMaterial[] => (existsSync(file) ? decryptKeys(readFileSync(file, 'utf8'), passphrase) : []);
  return {
    writable: true,
    store: 'key file',
    async list() {
      return read().map((m) => view(m, 'key file'));
    },
    async put(input) {
      const m = validated(input);
      writeKeyFile(file, [...read().filter((k) => k.id !== m.id), m], passphrase);
      return view(m, 'key file');
    },
  };
}

export function noKeyBook(reason: string): VenueKeyBook {
  return { writable: false, reason };
}

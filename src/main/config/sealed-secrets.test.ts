/**
 * The app's sealed key store on a real file. The sealer is a fake (a byte mask behind a marker):
 * Electron's safeStorage cannot run here (no Electron binary), and the store only relies on the
 * contract safeStorage has — seal a string to bytes, unseal them back, or throw.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSecretStore, writeKeyFile } from './secrets';
import { chainSecretStores, SealedSecretStore } from './sealed-secrets';
import type { Sealer } from './sealed-secrets';

const MARK = Buffer.from('FAKE1');
function fakeSealer(available = true): Sealer {
  const mask = (b: Buffer): Buffer => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isAvailable: () => available,
    seal: (plain) => Buffer.concat([MARK, mask(Buffer.from(plain, 'utf8'))]),
    unseal: (sealed) => {
      if (!sealed.subarray(0, MARK.length).equals(MARK)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return mask(sealed.subarray(MARK.length)).toString('utf8');
    },
  };
}

const KEY = { id: 'main', venue: 'binance', environment: 'production', apiKey: 'AKIA-visible-1234', secret: 'very-secret-value' } as const;

function store(sealer = fakeSealer()): { s: SealedSecretStore; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'libra-sealed-')), 'app-keys.json');
  return { s: new SealedSecretStore(path, sealer), path };
}

describe('SealedSecretStore', () => {
  it('stores a key sealed, lists it without unsealing, and gives it back after a reopen', async () => {
    const { s, path } = store();
    expect(s.put(KEY)).toEqual({ id: 'main', keys: 1 });
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(KEY.secret);
    expect(text).not.toContain(KEY.apiKey);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = new SealedSecretStore(path, fakeSealer());
    expect(await again.list()).toEqual([{ id: 'main', venue: 'binance', environment: 'production' }]);
    const k = await again.get('main');
    expect(k?.material).toMatchObject({ apiKey: KEY.apiKey, secret: KEY.secret, environment: 'production' });
    expect(String(k)).not.toContain(KEY.secret);
    expect(await again.get('other')).toBeUndefined();
  });

  it('replaces a key with the same id and removes one', async () => {
    const { s } = store();
    s.put(KEY);
    s.put({ ...KEY, id: 'second' });
    expect(s.put({ ...KEY, secret: 'rotated' })).toEqual({ id: 'main', keys: 2 });
    expect((await s.get('main'))?.material.secret).toBe('rotated');
    expect(s.remove('second')).toBe(true);
    expect(s.remove('second')).toBe(false);
    expect((await s.list()).map((k) => k.id)).toEqual(['main']);
  });

  it('refuses bad input naming the field, and never echoes the secret', () => {
    const { s } = store();
    expect(() => s.put({ ...KEY, venue: 'Binance!' })).toThrow(/^venue: venue must be a ccxt id/);
    expect(() => s.put({ ...KEY, secret: '  ' })).toThrow(/^secret: the secret must not be empty/);
    expect(() => s.put({ ...KEY, environment: 'prod' })).toThrow(/^environment:/);
    let message = '';
    try {
      s.put({ ...KEY, id: 'bad id' });
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/id: key id must be/);
    expect(message).not.toContain(KEY.secret);
  });

  it('refuses to store when the keychain is unavailable', () => {
    const { s } = store(fakeSealer(false));
    expect(() => s.put(KEY)).toThrow(/OS keychain is not available/);
  });

  it('reports a key sealed elsewhere and a damaged file by path, without their contents', async () => {
    const { s, path } = store();
    s.put(KEY);
    const foreign = new SealedSecretStore(path, { ...fakeSealer(), unseal: () => { throw new Error('cannot decrypt'); } });
    await expect(foreign.get('main')).rejects.toThrow(`cannot unseal key main in ${path}`);
    writeFileSync(path, '{"v":1,"keys":{"main":{"secret":"leak-me"}}}');
    await expect(s.list()).rejects.toThrow(`${path} is not an app key file (version 1)`);
    await expect(s.list()).rejects.not.toThrow(/leak-me/);
  });

  it('chains stores: a sealed key first, then the key file', async () => {
    const { s, path } = store();
    s.put(KEY);
    const file = join(path, '..', 'keys.json');
    writeKeyFile(file, [{ ...KEY, secret: 'from-file' }, { ...KEY, id: 'fileonly', secret: 'file-only' }], 'pass');
    const chain = chainSecretStores([s, new FileSecretStore(file, 'pass')]);
    expect((await chain.get('main'))?.material.secret).toBe(KEY.secret);
    expect((await chain.get('fileonly'))?.material.secret).toBe('file-only');
    expect((await chain.list()).map((k) => k.id)).toEqual(['main', 'fileonly']);
  });
});

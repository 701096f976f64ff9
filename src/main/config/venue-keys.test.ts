/**
 * The "Venue keys…" books, on real files: the app's (sealed; the sealer is a stand-in with
 * safeStorage's contract, no Electron binary here) and `libra serve --keys`'s (the encrypted key
 * file). Both write and list masked; neither hands back a secret; bad fields are named, not echoed.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SealedSecretStore } from './sealed-secrets';
import type { Sealer } from './sealed-secrets';
import { decryptKeys, FileSecretStore } from './secrets';
import { keyFileBook, maskApiKey, sealedKeyBook } from './venue-keys';

const sealer = (available = true): Sealer => ({
  isAvailable: () => available,
  seal: (plain) => Buffer.from(`S:${Buffer.from(plain).toString('hex')}`),
  unseal: (b) => Buffer.from(b.toString().slice(2), 'hex').toString(),
});
const KEY = { id: 'okx-main', venue: 'okx', environment: 'production', apiKey: 'okx-api-key-ABCD1234', secret: 'okx-secret-never-shown', password: 'okx-pass' } as const;

describe('venue key books', () => {
  it('masks an API key to its last four, and a short one entirely', () => {
    expect(maskApiKey('okx-api-key-ABCD1234')).toBe('****1234');
    expect(maskApiKey('short')).toBe('****');
  });

  it('the app book seals a key (passphrase included) and lists it masked; the file holds no secret in the clear', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-book-'));
    const book = sealedKeyBook(new SealedSecretStore(join(dir, 'app-keys.json'), sealer()));
    if (!book.writable) throw new Error(book.reason);
    expect(await book.put(KEY)).toEqual({ id: 'okx-main', venue: 'okx', environment: 'production', apiKey: '****1234', store: 'keychain' });
    expect(await book.list()).toEqual([{ id: 'okx-main', venue: 'okx', environment: 'production', apiKey: '****1234', store: 'keychain' }]);
    const text = readFileSync(join(dir, 'app-keys.json'), 'utf8');
    expect(text).not.toContain(KEY.secret);
    expect(text).not.toContain(KEY.password);
  });

  it('the key file book encrypts keys (passphrase optional) beside those already there and lists them masked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-book-'));
    const file = join(dir, 'keys.json');
    const book = keyFileBook(file, 'pp');
    if (!book.writable) throw new Error(book.reason);
    await book.put(KEY);
    await book.put({ ...KEY, id: 'second', apiKey: 'another-key-ZZZZ9999', password: '' });
    expect((await book.list()).map((v) => [v.id, v.apiKey, v.store])).toEqual([
      ['okx-main', '****1234', 'key file'],
      ['second', '****9999', 'key file'],
    ]);
    expect(decryptKeys(readFileSync(file, 'utf8'), 'pp').map((m) => m.password)).toEqual(['okx-pass', undefined]);
    expect((await new FileSecretStore(file, 'pp').get('okx-main'))?.material.secret).toBe(KEY.secret);
  });

  it('refuses a bad field by name without echoing the value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-book-'));
    const book = keyFileBook(join(dir, 'k.json'), 'pp');
    if (!book.writable) throw new Error(book.reason);
    const err = await book.put({ ...KEY, venue: 'Not A Venue', secret: 'echo-me-not' }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^venue: venue must be a ccxt id/);
    expect((err as Error).message).not.toContain('echo-me-not');
  });
});

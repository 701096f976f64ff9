/**
 * Store selection: the run config's `"store"` (validated with a line naming the field) and the
 * factory behind `--store/--questdb-url` building the right store for each kind. The stores
 * themselves are proven by their contract suites; this only checks which one is built and where.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseRunConfig } from '../config/run-config';
import { createStore, storeFromFlags } from './create-store';
import { DuckDbStore } from './duckdb/duckdb-store';
import { QuestDbStore } from './questdb/questdb-store';
import { StoreInputError } from './store';

const base = { venues: [{ ccxtId: 'binance', mode: 'paper', symbols: ['BTC/USDT'] }] };

describe('store selection', () => {
  it('accepts "store" in the run config and names the bad field otherwise', () => {
    expect(parseRunConfig(base).store).toBeUndefined();
    expect(parseRunConfig({ ...base, store: { kind: 'duckdb' } }).store).toEqual({ kind: 'duckdb' });
    expect(parseRunConfig({ ...base, store: { kind: 'questdb', url: 'http://127.0.0.1:9000' } }).store).toEqual({ kind: 'questdb', url: 'http://127.0.0.1:9000' });
    expect(() => parseRunConfig({ ...base, store: { kind: 'questdb', url: 'ftp://x' } })).toThrow(ConfigError);
    expect(() => parseRunConfig({ ...base, store: { kind: 'questdb', url: 'ftp://x' } })).toThrow(/^store\.url: an http\(s\):\/\/host:port URL.*, got "ftp:\/\/x"$/);
    expect(() => parseRunConfig({ ...base, store: { kind: 'questdb' } })).toThrow(/^store\.url: /);
    expect(() => parseRunConfig({ ...base, store: { kind: 'redis' } })).toThrow(/^store\.kind: /);
    expect(() => parseRunConfig({ ...base, store: { kind: 'duckdb', url: 'http://x:1' } })).toThrow('store: unknown field(s) url');
  });

  it('builds the DuckDB store in the data folder by default and the QuestDB store for a URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-create-store-'));
    try {
      const asked: string[] = [];
      const duck = await createStore(undefined, () => (asked.push('default'), dir));
      expect(duck).toBeInstanceOf(DuckDbStore);
      expect((duck as DuckDbStore).path).toBe(join(dir, 'libra.duckdb'));
      const own = await createStore({ kind: 'duckdb', dataDir: join(dir, 'own') }, () => (asked.push('again'), dir));
      expect((own as DuckDbStore).path).toBe(join(dir, 'own', 'libra.duckdb'));
      expect(asked).toEqual(['default']);
      const qdb = await createStore(storeFromFlags({ questdbUrl: 'http://127.0.0.1:9' }), () => dir);
      expect(qdb).toBeInstanceOf(QuestDbStore);
      expect((qdb as QuestDbStore).where).toBe('http://127.0.0.1:9');
      // nothing listens on port 9: opening says so instead of hanging or returning empty data
      await expect(qdb.open()).rejects.toThrow(/QuestDB at http:\/\/127\.0\.0\.1:9 is unreachable/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the store flags, refusing combinations that cannot mean anything', () => {
    expect(storeFromFlags({})).toEqual({ kind: 'duckdb' });
    expect(storeFromFlags({ dataDir: '/d' })).toEqual({ kind: 'duckdb', dataDir: '/d' });
    expect(storeFromFlags({ store: 'questdb', questdbUrl: 'https://q.example:9000/' })).toEqual({ kind: 'questdb', url: 'https://q.example:9000/' });
    expect(() => storeFromFlags({ store: 'sqlite' })).toThrow(StoreInputError);
    expect(() => storeFromFlags({ store: 'questdb' })).toThrow('--store questdb needs --questdb-url URL');
    expect(() => storeFromFlags({ questdbUrl: 'http://h:1/exec?x' })).toThrow(/^--questdb-url: expected an http\(s\):\/\/host:port URL/);
  });
});

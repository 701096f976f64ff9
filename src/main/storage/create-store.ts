/**
 * Store selection: which TimeSeriesStore a session or a store command opens.
 *
 * - `{ "kind": "duckdb" }` (the default): the embedded DuckDB store in the data folder
 *   (`dataDir` when given, else the caller's default data folder).
 * - `{ "kind": "questdb", "url": "http://127.0.0.1:9000" }`: a QuestDB server (HTTP endpoint
 *   serving both `/exec` reads and ILP `/write`); `tablePrefix` namespaces the tables.
 *
 * The same schema validates the run config's `"store"` and the CLI's `--store/--questdb-url`.
 */
import type { TimeSeriesStore } from './store';
import { StoreInputError } from './store';
import type { StoreConfig } from './store-config';
import { storeConfigSchema } from './store-config';

export type { StoreConfig } from './store-config';
export { storeConfigSchema } from './store-config';

/** A store that also answers raw SQL in its own dialect (DuckDB SQL or QuestDB SQL). */
export interface SqlStore extends TimeSeriesStore {
  query(sql: string): Promise<Record<string, unknown>[]>;
}

/**
 * Builds (does not open) the configured store, loading its client library on first use. `defaultDataDir` is asked only for a DuckDB store
 * without its own `dataDir`.
 */
export async function createStore(config: StoreConfig | undefined, defaultDataDir: () => string): Promise<SqlStore> {
  const c = config ?? { kind: 'duckdb' as const };
  // Each store's client library loads only when that store is used (the CLI's start-up stays light).
  if (c.kind === 'questdb') {
    const { QuestDbStore } = await import('./questdb/questdb-store');
    return new QuestDbStore({ url: c.url, ...(c.tablePrefix !== undefined ? { tablePrefix: c.tablePrefix } : {}) });
  }
  const { DuckDbStore } = await import('./duckdb/duckdb-store');
  return new DuckDbStore({ dataDir: c.dataDir ?? defaultDataDir() });
}

/**
 * The store selected by the store commands' flags: `--store duckdb|questdb`, `--questdb-url URL`
 * (alone it implies `--store questdb`), `--data-dir DIR` (DuckDB only). Throws StoreInputError
 * naming the flag.
 */
export function storeFromFlags(flags: { readonly store?: string | undefined; readonly questdbUrl?: string | undefined; readonly dataDir?: string | undefined }): StoreConfig {
  const kind = flags.store ?? (flags.questdbUrl !== undefined ? 'questdb' : 'duckdb');
  if (kind === 'duckdb') {
    if (flags.questdbUrl !== undefined) throw new StoreInputError('--questdb-url needs --store questdb (the DuckDB store lives in --data-dir)');
    return flags.dataDir !== undefined ? { kind, dataDir: flags.dataDir } : { kind };
  }
  if (kind !== 'questdb') throw new StoreInputError(`--store must be duckdb or questdb, got "${kind}"`);
  if (flags.dataDir !== undefined) throw new StoreInputError('--data-dir is the DuckDB store folder: with --store questdb give --questdb-url only');
  if (flags.questdbUrl === undefined) throw new StoreInputError('--store questdb needs --questdb-url URL (e.g. http://127.0.0.1:9000)');
  const r = storeConfigSchema.safeParse({ kind, url: flags.questdbUrl });
  if (!r.success) throw new StoreInputError(`--questdb-url: expected ${r.error.issues[0]?.message ?? 'an http(s) URL'}, got ${JSON.stringify(flags.questdbUrl)}`);
  return r.data;
}

/**
 * The store selection flags shared by the store commands (`import`, `data`, `query`, `backtest`):
 * `--store duckdb|questdb` (default duckdb: the data folder), `--questdb-url URL` (alone it
 * implies `--store questdb`) and `--data-dir DIR` (the DuckDB folder).
 */
import type { Kernel, StoreConfig } from '../kernel';
import { str } from './args';
import type { FlagSpec, ParsedFlags } from './args';

export const STORE_FLAGS: Readonly<Record<string, FlagSpec>> = {
  store: { type: 'string', description: 'duckdb (default: the data folder) | questdb (a server, with --questdb-url)' },
  'questdb-url': { type: 'string', description: 'QuestDB HTTP endpoint, e.g. http://127.0.0.1:9000 (implies --store questdb)' },
  'data-dir': { type: 'string', description: 'DuckDB store folder (default: LIBRA_DATA_DIR or the user data folder)' },
};

/** The store the flags select; a bad combination throws StoreInputError (exit 2) naming the flag. */
export function storeFlags(flags: ParsedFlags, kernel: Pick<Kernel, 'storeFromFlags'>): StoreConfig {
  return kernel.storeFromFlags({ store: str(flags, 'store'), questdbUrl: str(flags, 'questdb-url'), dataDir: str(flags, 'data-dir') });
}

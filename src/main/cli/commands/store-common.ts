/** Opening the DuckDB store of the data folder for the CLI commands. */
import { DuckDbStore } from '../../storage/duckdb/duckdb-store';
import type { Kernel } from '../../kernel';

export async function openStore(kernel: Kernel, dataDir?: string): Promise<DuckDbStore> {
  const dir = dataDir ?? kernel.ensureDataDir();
  const store = new DuckDbStore({ dataDir: dir });
  await store.open();
  return store;
}

/**
 * Schema of the QuestDB store, created at `open()` through `/exec` DDL and versioned in a
 * `schema_version` table, like the DuckDB store's migrations (a server holding a newer version
 * is refused).
 *
 * Every data table has a designated timestamp `ts TIMESTAMP`, is `PARTITION BY … WAL`, and
 * carries `DEDUP UPSERT KEYS(ts, …)` covering the row's natural key (trade id, sequence,
 * timeframe…), so an ILP/HTTP retry by the client, or a replayed batch, never duplicates a row.
 * QuestDB requires dedup on WAL tables only, with the designated timestamp among the keys, and
 * key columns of fixed size, SYMBOL or VARCHAR (not STRING): ids are declared VARCHAR here, and
 * the ILP writer's string fields land in them.
 *
 * QuestDB has no transactional DDL: every statement is `IF NOT EXISTS`, so a migration that
 * failed half-way is simply re-run at the next open.
 *
 * Keyed low-volume tables (instruments, backtest runs) use a constant designated timestamp
 * (epoch 0) so that `DEDUP UPSERT KEYS(ts, id…)` gives insert-or-replace.
 */

import type { QuestDbExec } from './exec';
import { cellStr } from './exec';

export interface QuestDbMigration {
  readonly version: number;
  readonly name: string;
  /** DDL for a table prefix (tests namespace their tables). */
  readonly up: (prefix: string) => readonly string[];
  /** Steps that depend on what the server holds (run after `up`); must be safe to re-run after a failure half-way. */
  readonly run?: (exec: QuestDbExec, prefix: string) => Promise<void>;
}

/** Hot table names (without prefix) and the natural key each one dedups on. */
export const DEDUP_KEYS = {
  trades: ['ts', 'venue', 'symbol', 'trade_no', 'trade_id'],
  bars: ['ts', 'venue', 'symbol', 'timeframe_ms'],
  quotes: ['ts', 'venue', 'symbol', 'bid', 'bid_size', 'ask', 'ask_size'],
  book: ['ts', 'venue', 'symbol', 'sequence', 'action'],
  signals: ['ts', 'venue', 'symbol', 'strategy_id', 'name'],
  orders: ['ts', 'client_order_id', 'status', 'filled_raw'],
  fills: ['ts', 'venue', 'client_order_id', 'trade_id'],
  instruments: ['ts', 'venue', 'symbol'],
  backtest_runs: ['ts', 'id'],
  trade_batches: ['ts', 'venue', 'symbol', 'last_ts', 'batch_id'],
} as const;

export type QuestDbTable = keyof typeof DEDUP_KEYS;

/** Every table of the store, for cleanup and WAL waits. */
export const ALL_TABLES: readonly QuestDbTable[] = Object.keys(DEDUP_KEYS) as QuestDbTable[];

/** Column definitions of every table (unchanged since the version that created the table). */
export const COLUMNS: Readonly<Record<QuestDbTable, string>> = {
  // trade ids that are canonical integers live in trade_no (trade_id NULL from v2), others in
  // trade_id (trade_no -1): ids order numerically, as in the DuckDB store
  trades: 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, side SYMBOL, trade_no LONG, trade_id VARCHAR, price DOUBLE, size DOUBLE',
  // ts = close time (when the bar is known); the key (ts, timeframe) equals (openTime, timeframe)
  bars: 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, timeframe_ms LONG, open_time TIMESTAMP, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE',
  quotes: 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, bid DOUBLE, bid_size DOUBLE, ask DOUBLE, ask_size DOUBLE',
  book: 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, action SYMBOL, sequence LONG, bids VARCHAR, asks VARCHAR',
  signals: 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, strategy_id SYMBOL, name SYMBOL, value DOUBLE',
  // ts = updatedAt; one row per state change
  orders: 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, client_order_id VARCHAR, status SYMBOL, filled_raw LONG, strategy_id SYMBOL, spec VARCHAR',
  fills: 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, client_order_id VARCHAR, trade_id VARCHAR, strategy_id SYMBOL, spec VARCHAR',
  instruments: 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, spec VARCHAR',
  backtest_runs: 'ts TIMESTAMP, id VARCHAR, created_at TIMESTAMP, spec VARCHAR',
  trade_batches: 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, last_ts TIMESTAMP, batch_id LONG, mixed BOOLEAN',
};

export type PartitionUnit = 'DAY' | 'MONTH' | 'YEAR';

/**
 * Partition unit per table, from the time span its data covers per million rows. QuestDB maps
 * every column file of every partition it reads: partitions × columns must stay well under the
 * kernel's `vm.max_map_count` (65530 by default) over the whole span a query touches.
 * - trades, quotes, book: ticks; a million rows is minutes to days → DAY (a day of ticks is a
 *   useful unit to scan, drop or re-import).
 * - bars, signals: one row per bar/decision; a million 1-minute rows is 1.9 years, 10 M are 19
 *   years = 6 940 DAY partitions × 10 columns, past the map limit → MONTH (228 partitions for
 *   19 years; 44 k 1-minute rows per partition per series).
 * - orders, fills: a few rows per order, sparse in time → MONTH.
 * - instruments, backtest_runs (constant ts) and trade_batches (one row per write) → YEAR.
 */
export const PARTITION_BY: Readonly<Record<QuestDbTable, PartitionUnit>> = {
  trades: 'DAY',
  quotes: 'DAY',
  book: 'DAY',
  bars: 'MONTH',
  signals: 'MONTH',
  orders: 'MONTH',
  fills: 'MONTH',
  instruments: 'YEAR',
  backtest_runs: 'YEAR',
  trade_batches: 'YEAR',
};

/** The CREATE TABLE of a store table, as `name` (default: the prefixed table), partitioned by `unit`. */
export const tableDdl = (p: string, name: QuestDbTable, unit: PartitionUnit = PARTITION_BY[name], as = `${p}${name}`): string =>
  `CREATE TABLE IF NOT EXISTS ${as} (${COLUMNS[name]}) TIMESTAMP(ts) PARTITION BY ${unit} WAL DEDUP UPSERT KEYS(${DEDUP_KEYS[name].join(', ')})`;

/** Suffix of the table a repartition copies into before it replaces the original. */
export const REPARTITION_SUFFIX = '__repart';

async function waitWal(exec: QuestDbExec, table: string): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const r = (await exec.exec(`SELECT suspended, writerTxn, sequencerTxn FROM wal_tables() WHERE name = '${table}'`)).dataset[0];
    if (!r || Number(r[1]) >= Number(r[2])) return;
    if (r[0] === true) throw new Error(`QuestDB suspended WAL apply of table ${table} during the schema migration`);
    if (Date.now() > deadline) throw new Error(`QuestDB did not apply WAL of ${table} within 600 s during the schema migration`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

/**
 * Gives every table its PARTITION_BY unit. QuestDB cannot change a table's partitioning in place:
 * a table with another unit is copied into `<table>__repart` (same columns and DEDUP keys, new
 * unit), which then replaces it (DROP + RENAME). Re-runnable at each step: the copy dedups on the
 * natural key, so copying again after a failure adds nothing; a copy left without its original
 * (failure between DROP and RENAME) is renamed.
 */
export async function repartition(exec: QuestDbExec, p: string, tables: readonly QuestDbTable[] = ALL_TABLES): Promise<void> {
  const units = new Map((await exec.exec(`SELECT table_name, partitionBy FROM tables() WHERE table_name LIKE '${p}%'`)).dataset.map((r) => [cellStr(r[0]), cellStr(r[1])]));
  for (const name of tables) {
    const t = `${p}${name}`;
    const copy = `${t}${REPARTITION_SUFFIX}`;
    const unit = PARTITION_BY[name];
    const now = units.get(t);
    if (now === unit) {
      if (units.has(copy)) await exec.exec(`DROP TABLE IF EXISTS ${copy}`);
      continue;
    }
    if (now !== undefined) {
      // rows committed before (a writer that crashed) are read by the copy only once applied
      await waitWal(exec, t);
      const cols = COLUMNS[name].split(', ').map((c) => c.split(' ')[0]!).join(', ');
      await exec.exec(tableDdl(p, name, unit, copy));
      await exec.exec(`INSERT INTO ${copy} (${cols}) SELECT ${cols} FROM ${t}`);
      await waitWal(exec, copy);
      await exec.exec(`DROP TABLE ${t}`);
    } else if (!units.has(copy)) {
      await exec.exec(tableDdl(p, name, unit));
      continue;
    }
    await exec.exec(`RENAME TABLE ${copy} TO ${t}`);
  }
}

export const QUESTDB_MIGRATIONS: readonly QuestDbMigration[] = [
  {
    version: 1,
    name: 'init',
    // v1 created every table by DAY but instruments and backtest_runs (YEAR); v4 repartitions
    up: (p) => (['trades', 'bars', 'quotes', 'book', 'signals', 'orders', 'fills'] as const).map((t) => tableDdl(p, t, 'DAY')).concat([tableDdl(p, 'instruments', 'YEAR'), tableDdl(p, 'backtest_runs', 'YEAR')]),
  },
  {
    version: 2,
    name: 'numeric trade ids only in trade_no',
    // from v2 the writer leaves trade_id NULL when the id is a canonical integer (trade_no ≥ 0);
    // rows written before carry the id twice: clear it, so a replay of them dedups on the same key
    up: (p) => [`UPDATE ${p}trades SET trade_id = NULL WHERE trade_no >= 0 AND trade_id IS NOT NULL`],
  },
  {
    version: 3,
    name: 'trade batch ranges',
    // one row per trades write (= one commit): [ts, last_ts] = its first and last trade ms. QuestDB
    // keeps same-ms trades of ONE commit in key order, so a millisecond covered by one batch only
    // needs no (trade_no, trade_id) tie-break at read time (see QuestDbStore.asofTradesInline);
    // `mixed` marks a range whose order is unknown: the trades written before v3, or ties QuestDB
    // might order differently (non-ASCII string ids). `batch_id` is a random id per write call: a
    // retried request dedups, a replay of the same range is a batch of its own
    up: (p) => [
      tableDdl(p, 'trade_batches', 'YEAR'),
      `INSERT INTO ${p}trade_batches SELECT min(ts), venue, symbol, max(ts), 0, true FROM ${p}trades GROUP BY venue, symbol`,
    ],
  },
  {
    version: 4,
    name: 'partition unit per table',
    // bars, signals, orders, fills: DAY → MONTH (10 M 1-minute bars by DAY exceeded vm.max_map_count)
    up: () => [],
    run: (exec, p) => repartition(exec, p),
  },
];

export const QUESTDB_LATEST_VERSION: number = QUESTDB_MIGRATIONS[QUESTDB_MIGRATIONS.length - 1]?.version ?? 0;

/** Not a WAL table (no designated timestamp): an INSERT is visible as soon as /exec answers. */
export const schemaVersionDdl = (p: string): string =>
  `CREATE TABLE IF NOT EXISTS ${p}schema_version (version INT, name VARCHAR, applied_at TIMESTAMP)`;


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

export interface QuestDbMigration {
  readonly version: number;
  readonly name: string;
  /** DDL for a table prefix (tests namespace their tables). */
  readonly up: (prefix: string) => readonly string[];
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

const table = (p: string, name: QuestDbTable, cols: string, partition: 'DAY' | 'YEAR' = 'DAY'): string =>
  `CREATE TABLE IF NOT EXISTS ${p}${name} (${cols}) TIMESTAMP(ts) PARTITION BY ${partition} WAL DEDUP UPSERT KEYS(${DEDUP_KEYS[name].join(', ')})`;

export const QUESTDB_MIGRATIONS: readonly QuestDbMigration[] = [
  {
    version: 1,
    name: 'init',
    up: (p) => [
      // trade ids that are canonical integers live in trade_no (trade_id NULL from v2), others in
      // trade_id (trade_no -1): ids order numerically, as in the DuckDB store
      table(p, 'trades', 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, side SYMBOL, trade_no LONG, trade_id VARCHAR, price DOUBLE, size DOUBLE'),
      // ts = close time (when the bar is known); the key (ts, timeframe) equals (openTime, timeframe)
      table(p, 'bars', 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, timeframe_ms LONG, open_time TIMESTAMP, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE'),
      table(p, 'quotes', 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, bid DOUBLE, bid_size DOUBLE, ask DOUBLE, ask_size DOUBLE'),
      table(p, 'book', 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, action SYMBOL, sequence LONG, bids VARCHAR, asks VARCHAR'),
      table(p, 'signals', 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, strategy_id SYMBOL, name SYMBOL, value DOUBLE'),
      // ts = updatedAt; one row per state change
      table(p, 'orders', 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, client_order_id VARCHAR, status SYMBOL, filled_raw LONG, strategy_id SYMBOL, spec VARCHAR'),
      table(p, 'fills', 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, client_order_id VARCHAR, trade_id VARCHAR, strategy_id SYMBOL, spec VARCHAR'),
      table(p, 'instruments', 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, spec VARCHAR', 'YEAR'),
      table(p, 'backtest_runs', 'ts TIMESTAMP, id VARCHAR, created_at TIMESTAMP, spec VARCHAR', 'YEAR'),
    ],
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
      table(p, 'trade_batches', 'ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, last_ts TIMESTAMP, batch_id LONG, mixed BOOLEAN', 'YEAR'),
      `INSERT INTO ${p}trade_batches SELECT min(ts), venue, symbol, max(ts), 0, true FROM ${p}trades GROUP BY venue, symbol`,
    ],
  },
];

export const QUESTDB_LATEST_VERSION: number = QUESTDB_MIGRATIONS[QUESTDB_MIGRATIONS.length - 1]?.version ?? 0;

/** Not a WAL table (no designated timestamp): an INSERT is visible as soon as /exec answers. */
export const schemaVersionDdl = (p: string): string =>
  `CREATE TABLE IF NOT EXISTS ${p}schema_version (version INT, name VARCHAR, applied_at TIMESTAMP)`;

/** Every table of the store, for cleanup and WAL waits. */
export const ALL_TABLES: readonly QuestDbTable[] = Object.keys(DEDUP_KEYS) as QuestDbTable[];

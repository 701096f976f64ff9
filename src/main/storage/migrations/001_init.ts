/**
 * Schema 1 of the DuckDB store. Times are BIGINT epoch ms (UTC), like the domain messages.
 *
 * Hot tables (bars, trades, quotes) carry a small integer series id instead of venue/symbol
 * strings: measured, two VARCHAR columns per row halve ingest speed. Their unique keys are kept
 * by the store's write path (staging + anti-join, see duckdb/duckdb-store.ts) rather than by a
 * PRIMARY KEY, because DuckDB's ART index made keyed inserts ~5x slower (240 k rows/s). The
 * `*_v` views give people (and `libra query`) readable columns.
 *
 * Low-volume tables use PRIMARY KEYs and INSERT OR IGNORE.
 */
export const version = 1;
export const name = 'init';

export const up: readonly string[] = [
  `CREATE TABLE series (sid INTEGER PRIMARY KEY, venue VARCHAR NOT NULL, symbol VARCHAR NOT NULL, UNIQUE (venue, symbol))`,
  // key (sid, timeframe_ms, open_time); ts = open_time + timeframe_ms = when the bar is known
  `CREATE TABLE bars (sid INTEGER NOT NULL, timeframe_ms BIGINT NOT NULL, open_time BIGINT NOT NULL, ts BIGINT NOT NULL,
     open DOUBLE NOT NULL, high DOUBLE NOT NULL, low DOUBLE NOT NULL, close DOUBLE NOT NULL, volume DOUBLE NOT NULL)`,
  // key (sid, ts, trade_no, trade_id): numeric venue ids live in trade_no (trade_id ''), others in
  // trade_id (trade_no -1), so ids order numerically and the hot path carries no string per row
  `CREATE TABLE trades (sid INTEGER NOT NULL, ts BIGINT NOT NULL, trade_no BIGINT NOT NULL, trade_id VARCHAR NOT NULL,
     price DOUBLE NOT NULL, size DOUBLE NOT NULL, side TINYINT)`,
  // quotes carry no venue id: the key is the whole row; same-ms quotes keep arrival (rowid) order
  `CREATE TABLE quotes (sid INTEGER NOT NULL, ts BIGINT NOT NULL, bid DOUBLE NOT NULL, bid_size DOUBLE NOT NULL,
     ask DOUBLE NOT NULL, ask_size DOUBLE NOT NULL)`,
  `CREATE TABLE book (sid INTEGER NOT NULL, ts BIGINT NOT NULL, sequence BIGINT NOT NULL, action VARCHAR NOT NULL,
     bid_px DOUBLE[] NOT NULL, bid_sz DOUBLE[] NOT NULL, ask_px DOUBLE[] NOT NULL, ask_sz DOUBLE[] NOT NULL,
     PRIMARY KEY (sid, sequence, action, ts))`,
  `CREATE TABLE signals (strategy_id VARCHAR NOT NULL, name VARCHAR NOT NULL, sid INTEGER NOT NULL, ts BIGINT NOT NULL,
     value DOUBLE NOT NULL, PRIMARY KEY (strategy_id, name, sid, ts))`,
  `CREATE TABLE orders (client_order_id VARCHAR NOT NULL, venue_order_id VARCHAR, strategy_id VARCHAR NOT NULL,
     sid INTEGER NOT NULL, side VARCHAR NOT NULL, type VARCHAR NOT NULL, quantity_raw BIGINT NOT NULL, price_raw BIGINT,
     trigger_price_raw BIGINT, time_in_force VARCHAR NOT NULL, expire_time BIGINT, post_only BOOLEAN NOT NULL,
     reduce_only BOOLEAN NOT NULL, status VARCHAR NOT NULL, filled_raw BIGINT NOT NULL, avg_px DOUBLE NOT NULL,
     created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, reason VARCHAR, tags VARCHAR,
     PRIMARY KEY (client_order_id, updated_at, status, filled_raw))`,
  `CREATE TABLE fills (trade_id VARCHAR NOT NULL, client_order_id VARCHAR NOT NULL, venue_order_id VARCHAR,
     strategy_id VARCHAR NOT NULL, sid INTEGER NOT NULL, side VARCHAR NOT NULL, quantity_raw BIGINT NOT NULL,
     price_raw BIGINT NOT NULL, fee_raw BIGINT NOT NULL, fee_currency VARCHAR NOT NULL, fee_precision INTEGER NOT NULL,
     liquidity VARCHAR NOT NULL, ts BIGINT NOT NULL, PRIMARY KEY (sid, client_order_id, trade_id))`,
  `CREATE TABLE instruments (venue VARCHAR NOT NULL, symbol VARCHAR NOT NULL, spec VARCHAR NOT NULL,
     tick_size DOUBLE NOT NULL, lot_size DOUBLE NOT NULL, PRIMARY KEY (venue, symbol))`,
  `CREATE TABLE backtest_runs (id VARCHAR PRIMARY KEY, created_at BIGINT NOT NULL, strategy_id VARCHAR NOT NULL,
     venue VARCHAR NOT NULL, symbol VARCHAR NOT NULL, timeframe_ms BIGINT, from_ts BIGINT NOT NULL, to_ts BIGINT NOT NULL,
     params VARCHAR NOT NULL, stats VARCHAR NOT NULL)`,
  `CREATE VIEW trades_v AS SELECT s.venue, s.symbol, make_timestamp(t.ts * 1000) AS time, t.ts,
     CASE WHEN t.trade_no >= 0 THEN t.trade_no::VARCHAR ELSE t.trade_id END AS trade_id, t.price, t.size,
     CASE t.side WHEN 1 THEN 'BUY' WHEN -1 THEN 'SELL' END AS side FROM trades t JOIN series s USING (sid)`,
  `CREATE VIEW bars_v AS SELECT s.venue, s.symbol, b.timeframe_ms, make_timestamp(b.open_time * 1000) AS open_time,
     make_timestamp(b.ts * 1000) AS close_time, b.open, b.high, b.low, b.close, b.volume FROM bars b JOIN series s USING (sid)`,
  `CREATE VIEW quotes_v AS SELECT s.venue, s.symbol, make_timestamp(q.ts * 1000) AS time, q.ts, q.bid, q.bid_size, q.ask,
     q.ask_size FROM quotes q JOIN series s USING (sid)`,
];

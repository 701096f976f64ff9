/**
 * Child process for the SIGKILL durability test: writes 20 000-trade batches forever and prints
 * `committed N` after each write resolves; the parent kills it with SIGKILL mid-write.
 */
import type { TradeTick } from '../../../shared/messages/market-data';
import { DuckDbStore } from './duckdb-store';

const dir = process.argv[2];
if (!dir) throw new Error('usage: crash-child <dataDir>');
const store = new DuckDbStore({ dataDir: dir });
await store.open();
const BATCH = 20_000;
const T0 = Date.UTC(2024, 0, 1);
for (let b = 0; ; b++) {
  const trades: TradeTick[] = [];
  for (let i = 0; i < BATCH; i++) {
    const n = b * BATCH + i;
    trades.push({ instrumentId: 'BTC/USDT@BINANCE', ts: T0 + n, price: 100 + (n % 50), size: 1, tradeId: String(n) });
  }
  await store.writeTrades('BINANCE', 'BTC/USDT', trades);
  process.stdout.write(`committed ${b + 1}\n`);
}

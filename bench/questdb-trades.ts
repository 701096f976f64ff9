/** The generated trades the QuestDB ingest benches write (same rows in every run: 8 % share a millisecond). */
import type { TradeTick } from '../src/shared/messages/market-data';

export const T0 = Date.UTC(2024, 0, 1);

export function tradesChunk(from: number, n: number): TradeTick[] {
  const out = new Array<TradeTick>(n);
  for (let k = 0; k < n; k++) {
    const i = from + k;
    out[k] = { instrumentId: 'BTC/USDT@BINANCE', ts: T0 + (i - (i % 8 === 1 ? 1 : 0)) * 50, price: 40_000 + 100 * Math.sin(i / 1000) + (i % 100) / 100, size: 0.001 + (i % 1000) / 1000, tradeId: String(i), side: i % 2 ? 'BUY' : 'SELL' };
  }
  return out;
}

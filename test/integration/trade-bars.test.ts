/**
 * Bars built from real trades against an independent reference: freqtrade's XRP/ETH 1m candles
 * of the same Binance trades (its test data; it fills minutes without trades with flat bars of
 * volume 0, which have no bar here).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTrades } from '../../src/main/backtest/data';
import { barsFromTrades } from '../../src/main/engine/data/trade-bars';
import type { Bar } from '../../src/shared/messages/market-data';

const DATA = resolve(fileURLToPath(new URL('../../../shared/data/freqtrade', import.meta.url)));

describe('bars from the XRP/ETH trades of freqtrade\'s test data', () => {
  it('equal its 1m candles bar for bar (open, high, low, close, volume) where the minute has trades', async () => {
    const ref = (JSON.parse(readFileSync(resolve(DATA, 'original_json_until_2023-07/XRP_ETH-1m.json'), 'utf8')) as number[][]).filter((r) => r[5] !== 0);
    const built: Bar[] = [];
    for await (const chunk of barsFromTrades(readTrades(resolve(DATA, 'XRP_ETH-trades.json.gz'), { instrumentId: 'XRP/ETH@BINANCE' }), 'XRP/ETH@BINANCE', 60_000)) built.push(...chunk);
    expect(built).toHaveLength(2469);
    expect(built.map((b) => [b.openTime, b.open, b.high, b.low, b.close])).toEqual(ref.map((r) => r.slice(0, 5)));
    built.forEach((b, i) => expect(b.volume).toBeCloseTo(ref[i]?.[5] ?? NaN, 6));
    expect(built.every((b) => b.ts === b.openTime + 60_000)).toBe(true);
  });
});

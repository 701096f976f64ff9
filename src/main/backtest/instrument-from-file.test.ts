/** The instrument a data file is about, from its name when nothing else says: what users' files are called. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { instrumentForFile, symbolFromFileName } from './instrument-from-file';

const dir = mkdtempSync(join(tmpdir(), 'libra-names-'));
const BARS = 'time,open,high,low,close,volume\n60000,100,101,99,100.5,2\n120000,100.5,102,100,101,3\n';
const named = (name: string): string => {
  const f = join(dir, name);
  writeFileSync(f, BARS);
  return f;
};

describe('symbols from file names', () => {
  it('BASE_QUOTE and BASE-QUOTE names, not a data word after the symbol, perpetuals kept as the venue names them', () => {
    expect(symbolFromFileName('ETH_BTC-5m.json')).toBe('ETH/BTC');
    expect(symbolFromFileName('BTC-USD_coinbase_4h.csv')).toBe('BTC/USD');
    expect(symbolFromFileName('btcusdt-trades.parquet')).toBeUndefined();
    expect(symbolFromFileName('ethusdt-depth-snap.csv')).toBeUndefined();
    expect(symbolFromFileName('btc-perp-20211231-20220201_1m.csv')).toBe('BTC-PERP');
    expect(symbolFromFileName('prices.csv')).toBeUndefined();
    expect(symbolFromFileName('Binance_BTCUSDT_1h.csv')).toBe('BTCUSDT');
    // freqtrade's futures data: base_quote_settle.
    expect(symbolFromFileName('XRP_USDT_USDT-1h-futures.feather')).toBe('XRP/USDT:USDT');
    expect(symbolFromFileName('UNITTEST_USDT_USDT-1h-mark.feather')).toBe('UNITTEST/USDT:USDT');
    expect(symbolFromFileName('BTC_USDT_1h-x.csv')).toBe('BTC/USDT');
  });

  it('a concatenated name with a known quote is that pair unless --quote names another; otherwise named from the file', async () => {
    expect((await instrumentForFile(named('BCHEUR.csv'))).instrument).toMatchObject({ symbol: 'BCH/EUR', base: 'BCH', quote: 'EUR' });
    expect((await instrumentForFile(named('btcusdt-trades.csv'))).instrument).toMatchObject({ symbol: 'BTC/USDT', quote: 'USDT' });
    expect((await instrumentForFile(named('BCHEUR.csv'), { quote: 'eur' })).instrument.symbol).toBe('BCH/EUR');
    const told = await instrumentForFile(named('BCHEUR.csv'), { quote: 'USD', hints: 'flags' });
    expect(told.instrument.symbol).toBe('BCHEUR/USD');
    expect(told.notes[0]).toBe('instrument BCHEUR/USD named from the file name (quote USD: --quote to change it, --symbol BASE/QUOTE to name it)');
    const perp = await instrumentForFile(named('btc-perp-2022_1m.csv'));
    expect(perp.instrument).toMatchObject({ symbol: 'BTC-PERP', kind: 'perpetual', base: 'BTC', quote: 'USD' });
    const read = await instrumentForFile(named('ETHUSDT.csv'), { hints: 'flags' });
    expect(read.notes[0]).toBe('instrument ETH/USDT read from the file name ETHUSDT.csv (--symbol BASE/QUOTE to name it otherwise)');
    expect((await instrumentForFile(named('prices.csv'))).instrument.symbol).toBe('PRICES/USD');
  });
});

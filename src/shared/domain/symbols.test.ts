import { describe, expect, it } from 'vitest';
import { resolveSymbol } from './symbols';

describe('resolveSymbol', () => {
  it('keeps unified symbols and reads their kind from the settle part', () => {
    expect(resolveSymbol('btc/usdt')).toEqual({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', kind: 'spot', how: 'unified' });
    expect(resolveSymbol('BTC/USDT:USDT')).toMatchObject({ base: 'BTC', quote: 'USDT', kind: 'perpetual', how: 'unified' });
    expect(resolveSymbol('BTC/USD:BTC-251226')).toMatchObject({ kind: 'future' });
  });

  it('maps venue spellings to the unified form where the mapping is certain', () => {
    expect(resolveSymbol('BTCUSDT').symbol).toBe('BTC/USDT');
    expect(resolveSymbol('ETHBTC').symbol).toBe('ETH/BTC');
    expect(resolveSymbol('SOLFDUSD').symbol).toBe('SOL/FDUSD');
    expect(resolveSymbol('BTC-USD').symbol).toBe('BTC/USD');
    expect(resolveSymbol('eth_btc').symbol).toBe('ETH/BTC');
    expect(resolveSymbol('BTC-USDT-SWAP')).toMatchObject({ symbol: 'BTC/USDT:USDT', kind: 'perpetual', how: 'mapped' });
    expect(resolveSymbol('BTC-USD-SWAP').symbol).toBe('BTC/USD:BTC');
  });

  it('keeps the rest as given, with the base from its head and the quote from the default', () => {
    expect(resolveSymbol('BTC-PERP')).toEqual({ symbol: 'BTC-PERP', base: 'BTC', quote: 'USD', kind: 'perpetual', how: 'kept' });
    expect(resolveSymbol('XYZ', 'EUR')).toEqual({ symbol: 'XYZ', base: 'XYZ', quote: 'EUR', kind: 'spot', how: 'kept' });
  });

  it('refuses what cannot be a symbol or a currency, naming it', () => {
    expect(() => resolveSymbol('BTC USD')).toThrow('got "BTC USD"');
    expect(() => resolveSymbol('')).toThrow('symbol must be letters and digits');
    expect(() => resolveSymbol('BTC-PERP', 'U$')).toThrow('quote currency must be 2 to 12 letters or digits (e.g. USD), got "U$"');
  });
});

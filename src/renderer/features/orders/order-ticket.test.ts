import { describe, expect, it } from 'vitest';
import { buildTicket, freeBalance, quoteToBase, sizeForPercent } from './order-ticket';
import { decimalsOf, fmtAmount, fmtPrice } from '../../app/format';

describe('order ticket', () => {
  it('converts a quote amount to the base quantity at the price, rounded down to the lot', () => {
    expect(quoteToBase('1000', 40_000, 0.0001)).toBe('0.0250');
    expect(quoteToBase('999.99', 40_000, 0.0001)).toBe('0.0249');
    expect(quoteToBase('100', 3, 1)).toBe('33');
    expect(quoteToBase('1', 40_000, 0.001)).toBeNull(); // less than one lot
  });

  it('refuses amounts and prices it cannot convert', () => {
    expect(quoteToBase('', 100, 0.01)).toBeNull();
    expect(quoteToBase('abc', 100, 0.01)).toBeNull();
    expect(quoteToBase('-5', 100, 0.01)).toBeNull();
    expect(quoteToBase('50', undefined, 0.01)).toBeNull();
    expect(quoteToBase('50', 0, 0.01)).toBeNull();
  });

  it('builds a ticket with only the fields its type uses', () => {
    const base = { instrumentId: 'BTC/USD@COINBASE', side: 'BUY' as const, quantity: ' 0.5 ', price: '100', trigger: '90', tif: '' as const, postOnly: true, reduceOnly: false };
    expect(buildTicket({ ...base, type: 'MARKET' })).toEqual({ instrumentId: 'BTC/USD@COINBASE', side: 'BUY', type: 'MARKET', quantity: '0.5' });
    expect(buildTicket({ ...base, type: 'STOP_LIMIT' })).toEqual({ instrumentId: 'BTC/USD@COINBASE', side: 'BUY', type: 'STOP_LIMIT', quantity: '0.5', price: '100', triggerPrice: '90' });
    expect(buildTicket({ ...base, type: 'LIMIT' }).postOnly).toBe(true);
  });

  it('makes a market buy in quote units a "spend N quote" ticket, and nothing else', () => {
    const base = { instrumentId: 'BTC/USD@COINBASE', side: 'BUY' as const, quantity: '0.0025', price: '', trigger: '', tif: '' as const, postOnly: false, reduceOnly: false, quoteQuantity: ' 100 ' };
    expect(buildTicket({ ...base, type: 'MARKET' })).toEqual({ instrumentId: 'BTC/USD@COINBASE', side: 'BUY', type: 'MARKET', quantity: '0.0025', quoteQuantity: '100' });
    expect(buildTicket({ ...base, type: 'MARKET', side: 'SELL' }).quoteQuantity).toBeUndefined();
    expect(buildTicket({ ...base, type: 'LIMIT', price: '40000' }).quoteQuantity).toBeUndefined();
  });

  it('sizes by % of the free balance: a buy spends that share of the quote (fee included), a sell sells that share of the base, down to the lot', () => {
    const inst = { tickSize: 0.01, lotSize: 0.0001 };
    expect(sizeForPercent(10, 'BUY', 10_000, 600, inst, 10)).toBe('1.6650'); // 1000 / 600 / 1.001 = 1.66500…
    expect(sizeForPercent(50, 'SELL', 0.33333, 600, inst)).toBe('0.1666');
    expect(sizeForPercent(10, 'BUY', 10_000, undefined, inst)).toBeNull();
    expect(sizeForPercent(0, 'BUY', 10_000, 600, inst)).toBeNull();
    expect(sizeForPercent(1, 'BUY', 1, 600, inst)).toBeNull(); // less than one lot
  });

  it('reads the free balance of the venue, else of the shared account, less what orders lock', () => {
    const balances = [{ venue: '', currency: 'USD', total: 100, locked: 30 }, { venue: 'BINANCE', currency: 'USDT', total: 50, locked: 0 }];
    expect(freeBalance(balances, 'USD', 'COINBASE')).toBe(70);
    expect(freeBalance(balances, 'USDT', 'BINANCE')).toBe(50);
    expect(freeBalance(balances, 'BTC', 'BINANCE')).toBeNull();
  });

  it('formats prices at the tick and amounts at the lot (USD 2 decimals, BTC 0.00000001)', () => {
    const btc = { tickSize: 0.01, lotSize: 0.00000001 };
    expect(decimalsOf(0.5)).toBe(1);
    expect(decimalsOf(1e-8)).toBe(8);
    expect(fmtPrice(60123.4, btc)).toBe('60,123.40');
    expect(fmtAmount(0.5, btc)).toBe('0.50000000');
    expect(fmtAmount(0.5, { tickSize: 1, lotSize: 0.001 })).toBe('0.500');
  });
});

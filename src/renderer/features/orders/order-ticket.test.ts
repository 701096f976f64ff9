import { describe, expect, it } from 'vitest';
import { buildTicket, quoteToBase } from './order-ticket';

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
});

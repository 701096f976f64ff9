import { describe, expect, it } from 'vitest';
import { decimalsOf, formatRaw, mulRaw, parseDecimal, price, quantity, rescale, toRaw } from './fixed';
import { floorToLot, makeInstrument, roundToTick } from './instrument';

describe('fixed point', () => {
  it('converts decimals exactly, absorbing binary noise', () => {
    expect(toRaw(1.005, 2)).toBe(101);
    expect(toRaw('0.1', 8)).toBe(10_000_000);
    expect(toRaw(-2.5, 0)).toBe(-3);
    expect(toRaw(0.00162383, 8)).toBe(162383);
  });

  it('rejects NaN, infinities, garbage strings and overflow', () => {
    expect(() => price(Number.NaN, 2)).toThrow(/finite/);
    expect(() => price(Infinity, 2)).toThrow(/finite/);
    expect(() => price('12abc', 2)).toThrow(/not a decimal/);
    expect(() => price(1e10, 8)).toThrow(/safe integer/);
    expect(() => quantity(-1, 2)).toThrow(/negative/);
  });

  it('formats raw values with exactly the precision', () => {
    expect(formatRaw(12345, 2)).toBe('123.45');
    expect(formatRaw(-5, 3)).toBe('-0.005');
    expect(formatRaw(7, 0)).toBe('7');
  });

  it('multiplies exactly, switching to bigint past 2^53', () => {
    expect(mulRaw(6_000_000, 2, 100_000_000, 8, 8)).toBe(6_000_000_000_000);
    // 90 071 992.54740991 × 1000 at full precision would overflow a double's integers.
    expect(mulRaw(9_007_199_254_740_991, 8, 1000, 0, 2)).toBe(9_007_199_254_741);
    expect(mulRaw(15, 1, 15, 1, 1, 'ceil')).toBe(23);
    expect(mulRaw(15, 1, 15, 1, 1, 'floor')).toBe(22);
  });

  it('rescales with the asked rounding', () => {
    expect(rescale(12345, 4, 2, 'down')).toBe(123);
    expect(rescale(12345, 4, 2, 'up')).toBe(124);
    expect(rescale(-12355, 4, 2, 'half-away')).toBe(-124);
  });

  it('counts decimals of shortest forms, including exponents', () => {
    expect(decimalsOf(0.00162)).toBe(5);
    expect(decimalsOf(1e-7)).toBe(7);
    expect(decimalsOf(90.54)).toBe(2);
    expect(parseDecimal(' 1e-8 ')).toBe(1e-8);
  });
});

describe('instrument', () => {
  const inst = makeInstrument({ symbol: 'btc/usdt', venue: 'binance', tickSize: '0.5', lotSize: '0.001' });

  it('normalises ids and derives precisions from tick and lot', () => {
    expect(inst.id).toBe('BTC/USDT@BINANCE');
    expect(inst.pricePrecision).toBe(1);
    expect(inst.tickRaw).toBe(5);
    expect(inst.lotRaw).toBe(1);
  });

  it('rounds to the tick grid in the asked direction', () => {
    expect(roundToTick(inst, 100.26, 'nearest')).toBe(1005);
    expect(roundToTick(inst, 100.26, 'up')).toBe(1005);
    expect(roundToTick(inst, 100.26, 'down')).toBe(1000);
    expect(roundToTick(inst, 100.5, 'up')).toBe(1005);
  });

  it('floors quantities to the lot', () => {
    const lot = makeInstrument({ symbol: 'ETH/USDT', venue: 'SIM', tickSize: '0.01', lotSize: '0.05' });
    expect(floorToLot(lot, 17)).toBe(15);
  });

  it('explains a bad symbol or tick', () => {
    expect(() => makeInstrument({ symbol: 'BTCUSDT', venue: 'X', tickSize: 1, lotSize: 1 })).toThrow(/BASE\/QUOTE/);
    expect(() => makeInstrument({ symbol: 'BTC/USDT', venue: 'X', tickSize: 0, lotSize: 1 })).toThrow(/tick size must be a positive/);
  });
});

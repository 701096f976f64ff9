import { describe, expect, it } from 'vitest';
import { fmt, fmtPnl, fmtQty, fmtSigned } from './format';

describe('format (cached Intl.NumberFormat)', () => {
  it('gives exactly what toLocaleString gives, for every digit count used', () => {
    const values = [0, -0, 1, -1, 0.5, 1234.5678, -98765.4321, 0.00000001, 1.005, 123456789.123456, 30243.4, 1e-9];
    for (const digits of [0, 1, 2, 4, 8]) {
      for (const v of values) {
        expect(fmt(v, digits)).toBe(v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
        expect(fmtQty(v, digits)).toBe(v.toLocaleString('en-US', { maximumFractionDigits: digits }));
      }
    }
    expect(fmt(null)).toBe('—');
    expect(fmt(Number.NaN)).toBe('—');
    expect(fmtSigned(2.5)).toBe('+2.50');
  });

  it('P&L at the price\'s decimals: an ETH-quoted position\'s +0.0003 is not +0.00', () => {
    expect(fmtPnl(0.0003, { tickSize: 1e-8, lotSize: 1 })).toBe('+0.00030000');
    expect(fmtPnl(-12.345, { tickSize: 0.01, lotSize: 0.0001 })).toBe('-12.35');
    expect(fmtPnl(3, { tickSize: 0.5, lotSize: 1 })).toBe('+3.00');
    expect(fmtPnl(3, undefined)).toBe('+3.00');
  });
});

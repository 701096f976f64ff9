import { describe, expect, it } from 'vitest';
import { PriceMap } from './price-map';

describe('PriceMap', () => {
  it('a cell written is a set: get and has see it, for the remembered instrument and the others', () => {
    const m = new PriceMap();
    expect(m.get('A')).toBeUndefined();
    expect(m.has('A')).toBe(false);
    m.cell('A').v = 30_000; // a small integer first: the box still takes fractional prices
    m.cell('A').v = 30_000.25;
    m.set('B', 2);
    expect(m.get('A')).toBe(30_000.25);
    expect(m.get('B')).toBe(2);
    expect(m.has('A') && m.has('B')).toBe(true);
    expect(m.has('C')).toBe(false);
    m.set('A', 1.5);
    expect(m.cell('A').v).toBe(1.5);
    expect(m.cell('B')).toBe(m.cell('B')); // one box per instrument, kept
  });
});

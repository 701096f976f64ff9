import { describe, expect, it } from 'vitest';
import { L2Book } from './order-book';

/** What `top(n)` returned before it selected instead of sorting: the reference it must equal. */
function sortedTop(book: L2Book, n: number): { bids: [number, number][]; asks: [number, number][] } {
  return {
    bids: [...book.bids.entries()].sort((a, b) => b[0] - a[0]).slice(0, n),
    asks: [...book.asks.entries()].sort((a, b) => a[0] - b[0]).slice(0, n),
  };
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32;
}

describe('L2Book.top', () => {
  it('equals the full sort on random books, sizes and depths (property, 2 000 seeded cases)', () => {
    const rnd = prng(7);
    const depths = [0, 1, 2, 5, 20, 63, 64, 65, 200, -1, -3, 2.7, Number.NaN, Infinity, -Infinity];
    for (let c = 0; c < 2_000; c++) {
      const book = new L2Book();
      const size = Math.floor(rnd() * (c % 10 === 0 ? 400 : 40));
      const level = (): [number, number] => [Math.round((rnd() * 200 - 100) * 100) / 100 + (rnd() < 0.1 ? 1e6 : 0), rnd() < 0.1 ? 0 : Math.round(rnd() * 1e4) / 1e3];
      book.snapshot(1, Array.from({ length: size }, level), Array.from({ length: size }, level));
      // A few diffs so insertion order differs from price order the way a live book's does.
      for (let u = 2; u < 2 + Math.floor(rnd() * 5); u++) book.apply({ first: u, last: u, bids: [level(), level()], asks: [level(), level()] });
      const n = c < depths.length ? (depths[c] as number) : Math.floor(rnd() * 80);
      expect(book.top(n)).toEqual(sortedTop(book, n));
    }
  });

  it('gives bids descending and asks ascending, best first, and an empty side as []', () => {
    const book = new L2Book();
    book.snapshot(1, [[99, 1], [101, 2], [100, 3]], []);
    expect(book.top(2)).toEqual({ bids: [[101, 2], [100, 3]], asks: [] });
  });
});

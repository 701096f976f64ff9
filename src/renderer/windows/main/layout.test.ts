import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, DOCK_AREAS, fitSizes, movePanel, PANEL_IDS, parseLayout, parseNamedLayouts, serializeLayout, shiftPanel, SIZE_LIMITS } from './layout';
import type { Layout } from './layout';

const everyPanelOnce = (l: Layout): void => {
  const all = DOCK_AREAS.flatMap((a) => l.areas[a]);
  expect([...all].sort()).toEqual([...PANEL_IDS].sort());
};

describe('layout (de)serialisation', () => {
  it('round-trips a moved, resized 2×2 layout', () => {
    const l: Layout = { ...movePanel(DEFAULT_LAYOUT, 'book', 'left'), sizes: { left: 333, right: 222, bottom: 150 }, grid: 4, charts: [null, 'ETH/USD@X', null] };
    const back = parseLayout(serializeLayout(l));
    expect(back).toEqual(l);
    expect(back.areas.left.at(-1)).toBe('book');
    everyPanelOnce(back);
  });

  it.each([
    ['not JSON', '{"areas": ['],
    ['null', 'null'],
    ['a number', '42'],
    ['an array', '[1,2]'],
    ['an empty string', ''],
  ])('falls back to the default for %s', (_name, raw) => {
    expect(parseLayout(raw)).toEqual(DEFAULT_LAYOUT);
  });

  it('drops unknown and duplicated panels and puts lost ones back in their default area', () => {
    const l = parseLayout(JSON.stringify({ areas: { left: ['ticket', 'ticket', 'nope', 7], right: 'book', bottom: ['watchlist'] } }));
    everyPanelOnce(l);
    expect(l.areas.left).toEqual(['ticket', 'balances']);
    expect(l.areas.bottom).toEqual(['watchlist', 'positions', 'orders']);
    expect(l.areas.right).toEqual(DEFAULT_LAYOUT.areas.right);
  });

  it('clamps sizes, replaces non-numbers and keeps the good parts of a bad layout', () => {
    const l = parseLayout({ sizes: { left: 1e9, right: 'wide', bottom: -5 }, grid: 3, charts: ['x'.repeat(500), 12, 'BTC'] , areas: { right: ['tape'] } });
    expect(l.sizes).toEqual({ left: SIZE_LIMITS.left.max, right: DEFAULT_LAYOUT.sizes.right, bottom: SIZE_LIMITS.bottom.min });
    expect(l.grid).toBe(1);
    expect(l.charts).toEqual([null, null, 'BTC']);
    expect(l.areas.right[0]).toBe('tape');
    expect(parseLayout({ sizes: { left: NaN, right: Infinity, bottom: null } }).sizes).toEqual(DEFAULT_LAYOUT.sizes);
  });

  it('reads named layouts, skipping bad names and entries', () => {
    const named = parseNamedLayouts(JSON.stringify({ scalping: { grid: 2 }, '': { grid: 4 }, broken: 'x', ['n'.repeat(41)]: {} }));
    expect(Object.keys(named)).toEqual(['scalping']);
    expect(named.scalping?.grid).toBe(2);
    expect(parseNamedLayouts('not json')).toEqual({});
    expect(parseNamedLayouts('[]')).toEqual({});
    expect(parseNamedLayouts(null)).toEqual({});
  });

  it('moves a panel up and down inside its area, not past its ends', () => {
    const up = shiftPanel(DEFAULT_LAYOUT, 'ticket', -1);
    expect(up.areas.left).toEqual(['ticket', 'watchlist', 'balances']);
    expect(shiftPanel(up, 'ticket', -1)).toBe(up);
  });

  it('fits the sides into a 1280 px window and leaves the centre its minimum', () => {
    const s = fitSizes({ left: 900, right: 900, bottom: 900 }, 1280, 720, true, true);
    expect(s.left + s.right).toBeLessThanOrEqual(1280 - 420);
    expect(s.bottom).toBeLessThanOrEqual(720 - 240);
    expect(fitSizes(DEFAULT_LAYOUT.sizes, 2560, 1440, true, false).right).toBe(0);
  });
});

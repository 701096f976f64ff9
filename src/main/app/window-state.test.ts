import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWindowState, placeOnDisplays, saveWindowState, syncChartRecord } from './window-state';

const primary = { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
const right = { id: 2, workArea: { x: 1920, y: 0, width: 2560, height: 1400 } };

describe('placeOnDisplays', () => {
  it('keeps a window on its display when that display still exists', () => {
    const r = placeOnDisplays({ displayId: 2, bounds: { x: 2000, y: 100, width: 1200, height: 800 } }, [primary, right], primary);
    expect(r).toEqual({ displayId: 2, bounds: { x: 2000, y: 100, width: 1200, height: 800 } });
  });
  it('moves a window to the primary display when its monitor is gone, clamped and centred', () => {
    const r = placeOnDisplays({ displayId: 2, bounds: { x: 2000, y: 100, width: 2400, height: 1300 } }, [primary], primary);
    expect(r).toEqual({ displayId: 1, bounds: { x: 0, y: 0, width: 1920, height: 1040 } });
  });
  it('moves a window that would be (almost) invisible on its display', () => {
    const r = placeOnDisplays({ displayId: 1, bounds: { x: 1900, y: 100, width: 800, height: 600 } }, [primary], primary);
    expect(r.bounds).toEqual({ x: 560, y: 220, width: 800, height: 600 });
  });
});

describe('window state file', () => {
  it('round-trips records and survives a missing or corrupt file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-ws-'));
    const file = join(dir, 'windows.json');
    expect(loadWindowState(file)).toEqual([]);
    const rec = { id: 'chart-1', kind: 'chart' as const, displayId: 2, bounds: { x: 1, y: 2, width: 3, height: 4 }, instrumentId: 'BTC/USD@COINBASE', timeframe: '4h', indicators: ['sma:20'] };
    saveWindowState(file, [rec]);
    expect(loadWindowState(file)).toEqual([rec]);
    rmSync(dir, { recursive: true });
  });
});

describe('syncChartRecord', () => {
  const chart = { id: 'chart-1', kind: 'chart' as const, displayId: 1, bounds: { x: 0, y: 0, width: 800, height: 600 }, instrumentId: 'BTC/USD@COINBASE', timeframe: '4h', indicators: ['sma:20'] };
  it('takes the symbol and timeframe a chart window switched to from its page URL', () => {
    const url = 'file:///app/windows/chart/chart.html?instrument=ETH%2FUSD%40COINBASE&timeframe=1d&indicators=sma%3A20';
    expect(syncChartRecord(chart, url)).toEqual({ ...chart, instrumentId: 'ETH/USD@COINBASE', timeframe: '1d' });
    expect(syncChartRecord(chart, 'http://localhost:5173/windows/chart/chart.html?instrument=BTC%2FUSD%40COINBASE&timeframe=4h')).toBe(chart);
  });
  it('ignores the main window, unparsable URLs and invalid values', () => {
    const main = { id: 'main', kind: 'main' as const, displayId: 1, bounds: chart.bounds };
    expect(syncChartRecord(main, 'file:///x?instrument=A&timeframe=1d')).toBe(main);
    expect(syncChartRecord(chart, 'not a url')).toBe(chart);
    expect(syncChartRecord(chart, 'file:///x?instrument=&timeframe=1 day')).toBe(chart);
  });
});

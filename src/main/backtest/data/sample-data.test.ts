/**
 * The bundled sample data (resources/sample-data) must stay readable and match its index.json,
 * since the first run of the app depends on it. Each CSV was converted from a ta4j JSON file;
 * where that source is at hand (LIBRA_TA4J_DIR, default /work/shared/data/ta4j/examples_resources)
 * both must read back to exactly the same bars.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTimeframe } from '../../../shared/messages/market-data';
import { inferPrecision, readAllBars } from './index';

const DIR = fileURLToPath(new URL('../../../../resources/sample-data/', import.meta.url));
const TA4J_DIR = process.env.LIBRA_TA4J_DIR ?? '/work/shared/data/ta4j/examples_resources';

interface Entry {
  file: string;
  format: string;
  symbol: string;
  venue: string;
  timeframe: string;
  tickSize: string;
  lotSize: string;
  bars: number;
  first: string;
  last: string;
  source: string;
  license: string;
}

const index = JSON.parse(await readFile(join(DIR, 'index.json'), 'utf8')) as { files: Entry[] };

/** `ta4j/ta4j ta4j-examples/…/X.json @ <commit>` → the local copy of X.json, when present. */
function ta4jSource(e: Entry): string | null {
  const m = /^ta4j\/ta4j \S+\/([^/\s]+\.json) @ [0-9a-f]{40}$/.exec(e.source);
  if (!m?.[1]) return null;
  const p = join(TA4J_DIR, m[1]);
  return existsSync(p) ? p : null;
}

describe('resources/sample-data', () => {
  it('every file matches index.json and the folder stays ≤ 3 MB', async () => {
    expect(index.files.length).toBeGreaterThan(0);
    let total = 0;
    for (const e of index.files) {
      total += (await stat(join(DIR, e.file))).size;
      const p = await inferPrecision(join(DIR, e.file));
      expect(p).toMatchObject({ format: e.format, rows: e.bars, timeframeMs: parseTimeframe(e.timeframe), tickSize: e.tickSize, lotSize: e.lotSize });
      expect(p.firstTime).toBe(Date.parse(e.first));
      expect(p.lastTime).toBe(Date.parse(e.last));
    }
    expect(total).toBeLessThanOrEqual(3 * 1024 * 1024);
  });

  it('lists BTC/USD and ETH/USD on one venue and quote currency (one paper account trades both)', () => {
    expect(index.files.map((e) => e.symbol)).toEqual(['BTC/USD', 'ETH/USD']);
    expect(new Set(index.files.map((e) => e.venue))).toEqual(new Set(['COINBASE']));
    expect(new Set(index.files.map((e) => e.timeframe))).toEqual(new Set(['4h']));
    for (const e of index.files) {
      expect(e.license).toBe('MIT');
      expect(e.source).toMatch(/^ta4j\/ta4j ta4j-examples\/src\/main\/resources\/\S+\.json @ [0-9a-f]{40}$/);
    }
  });

  it('every file is well formed: aligned, strictly increasing, low ≤ open/close ≤ high', async () => {
    for (const e of index.files) {
      const tf = parseTimeframe(e.timeframe);
      const bars = await readAllBars(join(DIR, e.file), { instrumentId: e.symbol, timeframeMs: tf });
      expect(bars).toHaveLength(e.bars);
      for (let i = 0; i < bars.length; i++) {
        const b = bars[i]!;
        expect(b.openTime % tf).toBe(0);
        if (i > 0) expect(b.openTime).toBeGreaterThan(bars[i - 1]!.openTime);
        const ok = b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close) && b.volume >= 0;
        if (!ok) expect.fail(`${e.file} bar ${i} (${new Date(b.openTime).toISOString()}) is not a valid OHLCV bar`);
      }
    }
  });

  for (const e of index.files) {
    const source = ta4jSource(e);
    it.skipIf(source === null)(`${e.file} reads back to exactly the bars of its ta4j source`, async () => {
      const tf = parseTimeframe(e.timeframe);
      const csv = await readAllBars(join(DIR, e.file), { instrumentId: e.symbol, timeframeMs: tf });
      const json = await readAllBars(source as string, { instrumentId: e.symbol, timeframeMs: tf });
      expect(json).toHaveLength(e.bars);
      expect(csv).toEqual(json);
    });
  }
});

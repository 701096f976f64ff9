/**
 * The bundled sample data (resources/sample-data) must stay readable and match its index.json,
 * since the first run of the app depends on it.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTimeframe } from '../../../shared/messages/market-data';
import { inferPrecision } from './index';

const DIR = fileURLToPath(new URL('../../../../resources/sample-data/', import.meta.url));

interface Entry {
  file: string;
  format: string;
  timeframe: string;
  tickSize: string;
  lotSize: string;
  bars: number;
  first: string;
  last: string;
}

describe('resources/sample-data', () => {
  it('every file matches index.json and the folder stays ≤ 3 MB', async () => {
    const index = JSON.parse(await readFile(join(DIR, 'index.json'), 'utf8')) as { files: Entry[] };
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
});

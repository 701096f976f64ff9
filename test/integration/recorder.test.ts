/**
 * The recorder on a running engine: a paper replay publishes bars on the bus, the recorder
 * batches them into the embedded DuckDB store off the hot path, and the stored bars equal the
 * released ones.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../../src/main/kernel';

describe('recording an engine into the store', () => {
  it('stores every bar the paper replay publishes, once', async () => {
    const kernel = new Kernel({ dataDir: mkdtempSync(join(tmpdir(), 'libra-rec-')) });
    const time = { now: () => Date.now(), schedule: (ms: number, fn: () => void) => { const t = setTimeout(fn, ms); return () => clearTimeout(t); } };
    const session = await kernel.startPaperReplay({ time, speed: 1000, symbols: ['BTC/USD'] });
    const { recorder, store } = await kernel.startRecorder(session.node.bus, { maxBatch: 50 });
    for (let i = 0; i < 120; i++) session.release();
    await recorder.stop();
    const series = await store.listSeries();
    const released = session.history().slice(-120);
    expect(series).toEqual([expect.objectContaining({ symbol: 'BTC/USD', kind: 'bars', rows: 120 })]);
    const stored = [];
    for await (const chunk of store.scanBars({ symbol: 'BTC/USD', timeframeMs: session.history()[0]?.timeframeMs ?? 0 })) stored.push(...chunk);
    expect(stored.map((b) => [b.openTime, b.close])).toEqual(released.map((b) => [b.openTime, b.close]));
    await store.close();
  });
});

/**
 * The L2 book readers on real recordings (../shared/data/nautilus_trader: a Binance USD-M depth
 * snapshot and diff CSV, Tardis book_snapshot_5 and incremental_book_L2 samples), with the
 * expected values read off the files by hand, and file:line errors on broken slices.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { BookUpdate } from '../../../shared/messages/market-data';
import { detectFormat, inferPrecision, readBook } from './index';

const DATA = fileURLToPath(new URL('../../../../../shared/data/nautilus_trader/tests/test_data/', import.meta.url));
const SNAP = join(DATA, 'binance/btcusdt-depth-snap.csv');
const DIFF = join(DATA, 'binance/btcusdt-depth-update.csv');
const TARDIS5 = join(DATA, 'tardis/binance-futures_book_snapshot_5_BTCUSDT.csv');
const DERIBIT = join(DATA, 'tardis/deribit_incremental_book_L2_BTC-PERPETUAL.csv');

async function all(path: string): Promise<BookUpdate[]> {
  const out: BookUpdate[] = [];
  for await (const c of readBook(path, { instrumentId: 'BTC/USDT@SIM', chunkSize: 3 })) out.push(...c);
  return out;
}

describe('order-book files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'libra-book-'));

  it('reads a Binance depth snapshot and its diffs as one SNAPSHOT then one DELTA (gzipped too)', async () => {
    // The snapshot file then the diff file's rows: how a day's depth CSV reads.
    const text = `${readFileSync(SNAP, 'utf8').trimEnd()}\n${readFileSync(DIFF, 'utf8').split('\n').slice(1).join('\n')}`;
    const f = join(dir, 'BTCUSDT-depth.csv.gz');
    writeFileSync(f, gzipSync(text));
    expect((await detectFormat(f)).format).toBe('binance-depth-csv');
    const u = await all(f);
    expect(u).toHaveLength(2);
    const [snap, diff] = u as [BookUpdate, BookUpdate];
    expect(snap.action).toBe('SNAPSHOT');
    expect(snap.ts).toBe(1667346579146);
    expect(snap.sequence).toBe(2098021528332);
    expect(snap.bids).toHaveLength(100);
    expect(snap.asks).toHaveLength(0);
    expect(snap.bids[0]).toEqual({ price: 20377, size: 1.77 });
    expect(snap.bids[99]).toEqual({ price: 20365.9, size: 0.207 });
    expect(diff.action).toBe('DELTA');
    expect(diff.ts).toBe(1667347199939);
    expect(diff.sequence).toBe(2098041696700);
    expect(diff.asks).toHaveLength(77);
    expect(diff.bids).toHaveLength(23);
    // qty 0 removes a level: kept in a delta.
    expect(diff.asks[0]).toEqual({ price: 20472.8, size: 0 });
    expect(diff.bids[0]).toEqual({ price: 2047.3, size: 0.009 });
    const info = await inferPrecision(f);
    expect(info).toMatchObject({ kind: 'book', rows: 2, symbol: 'BTCUSDT', priceDecimals: 1, sizeDecimals: 3 });
  });

  it('reads Tardis book_snapshot_5 rows as 5-level snapshots (times in µs)', async () => {
    expect((await detectFormat(TARDIS5)).format).toBe('tardis-book-snapshot');
    const u = await all(TARDIS5);
    expect(u).toHaveLength(10);
    const first = u[0] as BookUpdate;
    expect(first.ts).toBe(1598918403696);
    expect(first.action).toBe('SNAPSHOT');
    expect(first.asks.map((l) => l.price)).toEqual([11657.08, 11657.54, 11657.56, 11657.61, 11657.92]);
    expect(first.asks[0]?.size).toBe(1.714);
    expect(first.bids.map((l) => l.price)).toEqual([11657.07, 11656.97, 11655.78, 11655.77, 11655.68]);
    expect(u.map((x) => x.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('reads a Tardis incremental_book_L2 snapshot (one side, 15 levels)', async () => {
    expect((await detectFormat(DERIBIT)).format).toBe('tardis-book-l2');
    const u = await all(DERIBIT);
    expect(u).toHaveLength(1);
    expect(u[0]).toMatchObject({ ts: 1585699200245, action: 'SNAPSHOT', bids: [] });
    expect(u[0]?.asks).toHaveLength(15);
    expect(u[0]?.asks[0]).toEqual({ price: 6421.5, size: 18640 });
  });

  it('names the file and the line of a bad row', async () => {
    const lines = readFileSync(TARDIS5, 'utf8').split('\n');
    const bad = (name: string, edit: (l: string[]) => void): string => {
      const copy = [...lines];
      edit(copy);
      const f = join(dir, name);
      writeFileSync(f, copy.join('\n'));
      return f;
    };
    await expect(all(bad('price.csv', (l) => (l[3] = (l[3] as string).replace(',11657.08,', ',abc,'))))).rejects.toThrow('price.csv line 4: not a number in column asks[0].price');
    await expect(all(bad('back.csv', (l) => (l[5] = (l[5] as string).replace('1598918404', '1598918402'))))).rejects.toThrow(/back\.csv line 6: time goes back/);
    await expect(all(bad('sym.csv', (l) => (l[2] = (l[2] as string).replace('BTCUSDT', 'ETHUSDT'))))).rejects.toThrow('sym.csv line 3: a second symbol in column symbol: one symbol per file');
    const depth = readFileSync(DIFF, 'utf8').split('\n');
    depth[7] = (depth[7] as string).replace(',set,', ',upd,');
    const f = join(dir, 'kind.csv');
    writeFileSync(f, depth.join('\n'));
    await expect(all(f)).rejects.toThrow('kind.csv line 8: update_type is neither snap nor set');
  });
});

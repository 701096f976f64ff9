/** Backtests from the store: the instrument and a streaming bar feed for a symbol and range. */
import { Kernel } from '../../kernel';
import { parseTime, UsageError } from '../args';
import type { StoreFeedOpener } from './backtest';
import { openStore } from './store-common';

export const openStoreFeed: StoreFeedOpener = async (req) => {
  const store = await openStore(new Kernel(req.dataDir ? { dataDir: req.dataDir } : {}), req.dataDir);
  const series = (await store.listSeries()).filter((s) => s.kind === 'bars' && s.symbol === req.symbol.toUpperCase() && s.timeframeMs === req.timeframeMs && (req.venue === undefined || s.venue === req.venue.toUpperCase()));
  if (series.length === 0) {
    await store.close();
    throw new UsageError(`the store has no ${req.symbol} bars at that timeframe (see libra data)`);
  }
  if (series.length > 1) {
    await store.close();
    throw new UsageError(`${req.symbol} is stored for several venues (${series.map((s) => s.venue).join(', ')}): give --venue`);
  }
  const s = series[0] as (typeof series)[number];
  const instrument = await store.getInstrument(s.venue, s.symbol);
  if (!instrument) {
    await store.close();
    throw new UsageError(`no instrument metadata for ${s.symbol} on ${s.venue}: re-import the file`);
  }
  const from = req.from ? parseTime(req.from, 'from') : undefined;
  const to = req.to ? parseTime(req.to, 'to') : undefined;
  async function* chunks() {
    try {
      yield* store.scanBars({ venue: s.venue, symbol: s.symbol, timeframeMs: req.timeframeMs, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), chunkSize: 50_000 });
    } finally {
      await store.close();
    }
  }
  return { instrument, rows: s.rows, chunks: chunks() };
};

/**
 * `libra import --file F [--venue V] --symbol S [--timeframe TF | --trades]`: streams a data file
 * into the store with a progress bar. Each chunk is written all-or-nothing; a malformed row stops
 * the import with file and line, before that chunk is written. Re-importing is idempotent.
 */
import { resolve } from 'node:path';
import { parseTimeframe, formatTimeframe } from '../../../shared/messages/market-data';
import { readBars, readTrades } from '../../backtest/data';
import { createProgressBar } from '../../backtest/report';
import type { Kernel } from '../../kernel';
import { bool, parseFlags, str, usage, UsageError } from '../args';
import type { FlagSpec } from '../args';
import { instrumentForFile } from './instrument-from-file';
import { openStore } from './store-common';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  file: { type: 'string', description: 'data file (bars or trades)' },
  symbol: { type: 'string', description: 'symbol BASE/QUOTE (inferred from the file name)' },
  venue: { type: 'string', description: 'venue (default SIM)' },
  timeframe: { type: 'string', description: 'bar timeframe (inferred)' },
  trades: { type: 'boolean', description: 'the file holds trades' },
  'tick-size': { type: 'string', description: 'price increment (inferred)' },
  'lot-size': { type: 'string', description: 'quantity increment (inferred)' },
  'data-dir': { type: 'string', description: 'store folder' },
};

export async function run(argv: string[], kernel: Kernel): Promise<void> {
  if (argv.includes('--help')) {
    process.stdout.write(`${usage('import', 'import a data file into the store', FLAGS)}\n`);
    return;
  }
  const flags = parseFlags(argv, FLAGS, 'import');
  const file = str(flags, 'file');
  if (!file) throw new UsageError('--file is required');
  const path = resolve(process.cwd(), file);
  const tf = str(flags, 'timeframe');
  const r = await instrumentForFile(path, { symbol: str(flags, 'symbol'), venue: str(flags, 'venue'), tickSize: str(flags, 'tick-size'), lotSize: str(flags, 'lot-size'), ...(tf ? { timeframeMs: parseTimeframe(tf) } : {}) });
  const wantTrades = bool(flags, 'trades');
  if (wantTrades !== (r.info.kind === 'trades')) throw new UsageError(`${file} holds ${r.info.kind}${wantTrades ? ', not trades' : ': add --trades'}`);
  const inst = r.instrument;
  const store = await openStore(kernel, str(flags, 'data-dir'));
  const bar = createProgressBar({ stream: process.stderr, total: r.info.rows, label: 'import', unit: r.info.kind });
  let inserted = 0;
  let ignored = 0;
  let done = 0;
  try {
    await store.writeInstruments([inst]);
    if (r.info.kind === 'bars') {
      const timeframeMs = r.info.timeframeMs ?? parseTimeframe(tf ?? '1m');
      for await (const chunk of readBars(path, { instrumentId: inst.id, timeframeMs, chunkSize: 50_000 })) {
        const w = await store.writeBars(inst.venue, inst.symbol, timeframeMs, chunk);
        inserted += w.inserted;
        ignored += w.ignored;
        bar.update((done += chunk.length));
      }
      bar.finish();
      process.stdout.write(`imported ${inst.symbol} ${formatTimeframe(timeframeMs)} bars on ${inst.venue}: ${inserted} new, ${ignored} already stored\n`);
    } else {
      for await (const chunk of readTrades(path, { instrumentId: inst.id, chunkSize: 50_000 })) {
        const w = await store.writeTrades(inst.venue, inst.symbol, chunk);
        inserted += w.inserted;
        ignored += w.ignored;
        bar.update((done += chunk.length));
      }
      bar.finish();
      process.stdout.write(`imported ${inst.symbol} trades on ${inst.venue}: ${inserted} new, ${ignored} already stored\n`);
    }
  } finally {
    await store.close();
  }
}

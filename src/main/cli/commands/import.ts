/**
 * `libra import --file F [--venue V] [--symbol S] [--quote Q] [--timeframe TF | --trades | --book]`: streams a data file
 * into the store with a progress bar. Each chunk is written all-or-nothing; a malformed row stops
 * the import with file and line, before that chunk is written. Re-importing is idempotent.
 */
import { resolve } from 'node:path';
import { parseTimeframe, formatTimeframe } from '../../../shared/messages/market-data';
import type { Kernel, ProgressBar } from '../../kernel';
import { bool, parseFlags, str, usage, UsageError } from '../args';
import type { FlagSpec } from '../args';
import { STORE_FLAGS, storeFlags } from '../store-flags';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  file: { type: 'string', description: 'data file (bars or trades)' },
  symbol: { type: 'string', description: 'symbol as unified (BTC/USDT) or as the venue writes it (BTCUSDT, BTC-PERP); default: from the file' },
  quote: { type: 'string', description: 'quote currency of an instrument named from the file or kept as given (default USD)' },
  venue: { type: 'string', description: 'venue (default SIM)' },
  timeframe: { type: 'string', description: 'bar timeframe (inferred)' },
  trades: { type: 'boolean', description: 'the file holds trades' },
  book: { type: 'boolean', description: 'the file holds an L2 order book (Binance depth / Tardis CSV)' },
  'tick-size': { type: 'string', description: 'price increment (inferred)' },
  'lot-size': { type: 'string', description: 'quantity increment (inferred)' },
  ...STORE_FLAGS,
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
  const wantTrades = bool(flags, 'trades');
  const wantBook = bool(flags, 'book');
  if (wantTrades && wantBook) throw new UsageError('--trades and --book: give one');
  const want = wantTrades ? 'trades' : wantBook ? 'book' : 'bars';
  let bar: ProgressBar | undefined;
  const r = await kernel.importFile({
    path,
    symbol: str(flags, 'symbol'),
    quote: str(flags, 'quote'),
    venue: str(flags, 'venue'),
    tickSize: str(flags, 'tick-size'),
    lotSize: str(flags, 'lot-size'),
    ...(tf ? { timeframeMs: parseTimeframe(tf) } : {}),
    hints: 'flags',
    store: storeFlags(flags, kernel),
    onPlan: ({ kind, rows }) => {
      if (want !== kind) throw new UsageError(`${file} holds ${kind === 'book' ? 'an order book' : kind}${want !== 'bars' ? `, not ${want === 'book' ? 'an order book' : 'trades'}` : `: add --${kind === 'book' ? 'book' : 'trades'}`}`);
      bar = kernel.reports.createProgressBar({ stream: process.stderr, total: rows, label: 'import', unit: kind === 'book' ? 'book updates' : kind });
    },
    onProgress: (done) => bar?.update(done),
  });
  bar?.finish();
  const inst = r.instrument;
  const series = r.timeframeMs !== undefined ? `${formatTimeframe(r.timeframeMs)} bars` : r.kind === 'book' ? 'book updates' : 'trades';
  if (r.exact === false) {
    // QuestDB's DEDUP does not say which rows were already there; a re-import never duplicates
    process.stdout.write(`imported ${inst.symbol} ${series} on ${inst.venue}: ${r.inserted} written (deduplicated by the server)${r.ignored ? `, ${r.ignored} repeated in the file` : ''}\n`);
    return;
  }
  process.stdout.write(`imported ${inst.symbol} ${series} on ${inst.venue}: ${r.inserted} new, ${r.ignored} already stored\n`);
}

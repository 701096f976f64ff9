/** `libra data [--json] [--store duckdb|questdb --questdb-url URL]`: what the store holds — symbol, kind/timeframe, first/last time, rows. */
import { formatTimeframe } from '../../../shared/messages/market-data';
import type { Kernel } from '../../kernel';
import { bool, parseFlags } from '../args';
import type { FlagSpec } from '../args';
import { STORE_FLAGS, storeFlags } from '../store-flags';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  json: { type: 'boolean', description: 'machine-readable output' },
  ...STORE_FLAGS,
};

export async function run(argv: string[], kernel: Kernel): Promise<void> {
  const flags = parseFlags(argv, FLAGS, 'data');
  const series = await kernel.listSeries(storeFlags(flags, kernel));
  if (bool(flags, 'json')) {
    process.stdout.write(`${JSON.stringify(series)}\n`);
    return;
  }
  if (series.length === 0) {
    process.stdout.write('the store is empty: add data with libra import --file FILE\n');
    return;
  }
  const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');
  const rows = series.map((s) => [s.venue, s.symbol, s.kind === 'bars' ? `bars ${formatTimeframe(s.timeframeMs ?? 0)}` : s.kind, iso(s.first), iso(s.last), String(s.rows)]);
  const head = ['venue', 'symbol', 'series', 'first', 'last', 'rows'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const r of [head, ...rows]) process.stdout.write(`${r.map((c, i) => (i === 5 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ')}\n`);
}

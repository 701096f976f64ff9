/**
 * `libra indicators`: computes indicators over a bar file and writes one CSV row per input bar:
 * `time` (bar open, ms) then one column per indicator output, empty during warm-up.
 */
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { once } from 'node:events';
import { parseTimeframe } from '../../../shared/messages/market-data';
import { createIndicator } from '../../engine/indicators';
import type { IndicatorHandle } from '../../engine/indicators';
import type { Kernel } from '../../kernel';
import { list, parseFlags, str, UsageError } from '../args';
import type { FlagSpec } from '../args';

export const INDICATOR_FLAGS: Readonly<Record<string, FlagSpec>> = {
  data: { type: 'string', description: 'bar file (CSV or OHLCV JSON)' },
  ind: { type: 'string', repeat: true, description: 'indicator spec, e.g. sma:20, rsi:14, macd:12:26:9, bb:20:2' },
  out: { type: 'string', description: 'CSV file to write (default: standard output)' },
  timeframe: { type: 'string', description: 'bar timeframe (inferred from the file)' },
};

export async function indicatorsCommand(argv: readonly string[], kernel: Kernel, io: { out: NodeJS.WritableStream; cwd: string }): Promise<{ rows: number; columns: string[] }> {
  const flags = parseFlags(argv, INDICATOR_FLAGS, 'indicators');
  const data = str(flags, 'data');
  if (!data) throw new UsageError('libra indicators: --data FILE is required');
  const specs = list(flags, 'ind');
  if (specs.length === 0) throw new UsageError('libra indicators: give at least one --ind (e.g. --ind sma:20 --ind rsi:14)');
  const handles: IndicatorHandle[] = specs.map((s) => {
    try {
      return createIndicator(s);
    } catch (error) {
      throw new UsageError(`--ind ${s}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const tf = str(flags, 'timeframe');
  // The file is detected (and so validated) before anything is written.
  const chunks = await kernel.readBarFile(resolve(io.cwd, data), { instrumentId: 'IND', ...(tf ? { timeframeMs: parseTimeframe(tf) } : {}) });
  const columns = ['time', ...handles.flatMap((h) => h.columns)];
  const outPath = str(flags, 'out');
  const out = outPath ? createWriteStream(resolve(io.cwd, outPath)) : io.out;
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${columns.join(',')}\n`);
  let rows = 0;
  for await (const chunk of chunks) {
    let text = '';
    for (const bar of chunk) {
      let line = String(bar.openTime);
      for (const h of handles) {
        h.indicator.update(bar);
        for (let i = 0; i < h.columns.length; i++) {
          const v = h.indicator.output(i);
          line += v === v ? `,${v}` : ',';
        }
      }
      text += `${line}\n`;
      rows++;
    }
    await write(text);
  }
  if (outPath) {
    (out as NodeJS.WritableStream & { end(): void }).end();
    await once(out, 'finish');
  }
  return { rows, columns };
}

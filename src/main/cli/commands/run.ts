/**
 * `libra run --config FILE [--data-dir DIR] [--passphrase-env NAME]` — runs the configured
 * strategies headless (paper: live data + SimulatedVenue; live: the CCXT execution client)
 * until SIGINT/SIGTERM, printing one line per order event and fill.
 * The session is assembled by the kernel (`Kernel.startRun`).
 */
import type { Kernel } from '../../kernel';
import { UsageError, parseFlags, str } from '../args';

export const RUN_FLAGS = {
  config: { type: 'string', description: 'run config JSON file' },
  'data-dir': { type: 'string', description: 'data folder (journal, keys); default: the user data folder' },
  keys: { type: 'string', description: 'encrypted key file (default: <data-dir>/keys.json); passphrase from LIBRA_KEY_PASSPHRASE' },
  help: { type: 'boolean', description: 'show this help' },
} as const;

export async function run(argv: string[], kernel: Kernel): Promise<void> {
  const flags = parseFlags(argv, RUN_FLAGS, 'run');
  if (flags['help'] === true) {
    process.stdout.write('usage: libra run --config FILE [--data-dir DIR] [--keys FILE]\n');
    return;
  }
  const file = str(flags, 'config');
  if (!file) throw new UsageError('libra run: --config FILE is required');
  const config = kernel.sessions.loadConfig(file);
  const dataDir = str(flags, 'data-dir');
  const keysFile = str(flags, 'keys');
  const session = await kernel.sessions.startRun({
    config,
    ...(dataDir ? { dataDir } : {}),
    ...(keysFile ? { keysFile } : {}),
    print: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  });
  await new Promise<void>((resolve) => {
    const done = (): void => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await session.stop();
}

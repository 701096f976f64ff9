/**
 * `libra keys add|list`: the encrypted key file used by `libra run` (and `libra serve`).
 *   libra keys add --id ID --venue binance --environment testnet|production [--keys FILE]
 *     reads the API key and secret from LIBRA_API_KEY / LIBRA_API_SECRET (and LIBRA_API_PASSWORD
 *     for venues with a passphrase), so they never appear in the shell history or `ps`;
 *   libra keys list [--keys FILE]   ids, venues and environments — never the keys.
 * The file's passphrase comes from LIBRA_KEY_PASSPHRASE.
 */
import type { Kernel } from '../../kernel';
import { parseFlags, str, usage, UsageError } from '../args';
import type { FlagSpec } from '../args';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  id: { type: 'string', description: 'key id referenced by a run config (venues[].keyId)' },
  venue: { type: 'string', description: 'ccxt exchange id, e.g. binance' },
  environment: { type: 'string', description: 'testnet or production' },
  keys: { type: 'string', description: 'key file (default: <data dir>/keys.json)' },
  'data-dir': { type: 'string', description: 'data folder' },
};

function passphrase(): string {
  const p = process.env.LIBRA_KEY_PASSPHRASE;
  if (!p) throw new UsageError('set LIBRA_KEY_PASSPHRASE to the key file passphrase');
  return p;
}

export async function run(argv: string[], kernel: Kernel): Promise<void> {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help') {
    process.stdout.write(`${usage('keys add|list', 'manage the encrypted API key file', FLAGS)}\n`);
    return;
  }
  const flags = parseFlags(rest, FLAGS, `keys ${action}`);
  const keysFile = str(flags, 'keys');
  if (action === 'list') {
    const keys = await kernel.listApiKeys({ passphrase: passphrase(), ...(keysFile ? { keysFile } : {}) });
    if (keys.length === 0) process.stdout.write('no keys stored\n');
    for (const k of keys) process.stdout.write(`${k.id}\t${k.venue}\t${k.environment}\n`);
    return;
  }
  if (action !== 'add') throw new UsageError(`unknown action "${action}" (use add or list)`);
  const id = str(flags, 'id');
  const venue = str(flags, 'venue');
  const environment = str(flags, 'environment');
  if (!id || !venue) throw new UsageError('--id and --venue are required');
  if (environment !== 'testnet' && environment !== 'production') throw new UsageError('--environment must be testnet or production');
  const apiKey = process.env.LIBRA_API_KEY;
  const secret = process.env.LIBRA_API_SECRET;
  if (!apiKey || !secret) throw new UsageError('set LIBRA_API_KEY and LIBRA_API_SECRET (kept out of the shell history and the process list)');
  const password = process.env.LIBRA_API_PASSWORD;
  const r = kernel.addApiKey({ id, venue, environment, apiKey, secret, ...(password ? { password } : {}) }, { passphrase: passphrase(), ...(keysFile ? { keysFile } : {}) });
  process.stdout.write(`stored key ${r.id} (${venue}, ${environment}); the file holds ${r.keys} key(s)\n`);
}

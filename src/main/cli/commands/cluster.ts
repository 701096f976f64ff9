/**
 * `libra cluster status --redis URL [--prefix P]`: one line per node of the cluster under the
 * prefix — name, roles, state (`lost` once its heartbeat expired), last beat, event-loop lag.
 */
import type { Kernel } from '../../kernel';
import { parseFlags, str, usage, UsageError } from '../args';
import type { FlagSpec } from '../args';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  redis: { type: 'string', description: 'Redis URL of the cluster (redis://HOST:PORT)' },
  prefix: { type: 'string', description: 'key prefix of the cluster (default: libra)' },
};

export async function run(argv: string[], kernel: Kernel): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help') {
    process.stdout.write(`${usage('cluster status', 'the nodes of a Redis cluster: roles, state, last beat, lag', FLAGS)}\n`);
    return 0;
  }
  const flags = parseFlags(rest, FLAGS, `cluster ${action}`);
  if (action !== 'status') throw new UsageError(`unknown action "${action}" (use status)`);
  const url = str(flags, 'redis');
  if (url === undefined) throw new UsageError('--redis is required (redis://HOST:PORT)');
  if (!/^rediss?:\/\/[^\s]+$/.test(url)) throw new UsageError(`--redis: expected a redis:// URL, got "${url}"`);
  const prefix = str(flags, 'prefix') ?? 'libra';
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(prefix)) throw new UsageError(`--prefix: expected 1-32 characters A-Z a-z 0-9 _ . -, got "${prefix}"`);
  let nodes;
  try {
    nodes = await kernel.clusterStatus(url, prefix);
  } catch (e) {
    process.stderr.write(`libra cluster: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  if (nodes.length === 0) {
    process.stdout.write(`no nodes under prefix ${prefix}\n`);
    return 0;
  }
  const now = Date.now();
  for (const n of nodes) {
    const beat = n.lastBeat === undefined ? 'never' : `${((now - n.lastBeat) / 1000).toFixed(1)} s ago`;
    const md = [
      n.md.sent !== undefined ? `md sent ${n.md.sent} dropped ${n.md.dropped ?? 0}` : '',
      n.md.received !== undefined ? `md received ${n.md.received} gaps ${n.md.gaps ?? 0} delay ${n.md.lagMs ?? '?'} ms` : '',
    ].filter((x) => x !== '');
    process.stdout.write(`${n.node}\troles=${n.roles}\tstate=${n.state}\tlast beat ${beat}\tlag ${n.lagMs ?? '?'} ms${md.map((x) => `\t${x}`).join('')}\n`);
  }
  return 0;
}

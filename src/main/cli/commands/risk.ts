/**
 * `libra risk status|resume [--data-dir DIR]`: the halt latched in the data folder.
 *   status   prints `ACTIVE` or the latched state with its reason and time
 *   resume   lifts it (a person's decision): a `libra run` on that folder resumes trading within
 *            a second; the next `libra run` starts ACTIVE. It also forgets the equity marks
 *            (the loss so far is accepted: the drawdown is measured from the equity then)
 * A kill switch (PANIC), an operator HALT and a tripped drawdown / daily-loss limit latch; venue
 * disconnects do not (they end when the venue has reconciled).
 */
import type { Kernel } from '../../kernel';
import { parseFlags, str, usage, UsageError } from '../args';
import type { FlagSpec } from '../args';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  'data-dir': { type: 'string', description: 'data folder of the run (default: the user data folder)' },
};

export async function run(argv: string[], kernel: Kernel): Promise<void> {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help') {
    process.stdout.write(`${usage('risk status|resume', 'show or lift the latched trading halt of a data folder', FLAGS)}\n`);
    return;
  }
  const flags = parseFlags(rest, FLAGS, `risk ${action}`);
  if (action !== 'status' && action !== 'resume') throw new UsageError(`unknown action "${action}" (use status or resume)`);
  const dataDir = str(flags, 'data-dir');
  const latch = dataDir === undefined ? kernel.haltLatch() : kernel.haltLatch(dataDir);
  const held = latch.load();
  if (action === 'status') {
    process.stdout.write(held ? `${held.state} since ${new Date(held.ts).toISOString()}: ${held.reason}\n` : 'ACTIVE (no latched halt)\n');
    const m = latch.marks();
    if (m) process.stdout.write(`drawdown measured from peak ${m.peak}, daily loss from ${m.dayStart} (day start ${new Date(m.day * 86_400_000).toISOString().slice(0, 10)})\n`);
    return;
  }
  if (!held) {
    process.stdout.write('ACTIVE (no latched halt to lift)\n');
    return;
  }
  latch.lift();
  process.stdout.write(`lifted ${held.state} (${held.reason}); trading may resume\n`);
}

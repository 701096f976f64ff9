/**
 * The latched halt kept in the data folder (`<data-dir>/trading-state.json`), so a kill switch,
 * an operator HALT or a tripped drawdown / daily-loss limit survives a restart until a person
 * lifts it (`libra risk resume`, or resuming in the app).
 *
 * Written atomically (temporary file, fsync, rename); no file = not latched. A file that cannot
 * be read or does not match the schema fails closed: it reads as HALTED, naming the file, never
 * echoing its contents.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file';
import type { HaltLatchStore, LatchedHalt } from '../engine/risk/halt-latch';

export const HALT_LATCH_FILE = 'trading-state.json';

const LatchSchema = z.object({
  state: z.enum(['HALTED', 'REDUCING']),
  reason: z.string().max(2000),
  ts: z.number().finite(),
});

export function haltLatchPath(dataDir: string): string {
  return join(dataDir, HALT_LATCH_FILE);
}

export class HaltLatchFile implements HaltLatchStore {
  constructor(readonly path: string) {}

  load(): LatchedHalt | undefined {
    if (!existsSync(this.path)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      return { state: 'HALTED', reason: `${this.path} is not valid JSON (remove it with libra risk resume)`, ts: 0 };
    }
    const r = LatchSchema.safeParse(parsed);
    if (!r.success) {
      const issue = r.error.issues[0];
      return { state: 'HALTED', reason: `${this.path}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'} (remove it with libra risk resume)`, ts: 0 };
    }
    return r.data;
  }

  save(halt: LatchedHalt | undefined): void {
    if (halt === undefined) {
      rmSync(this.path, { force: true });
      return;
    }
    writeFileAtomic(this.path, `${JSON.stringify(halt)}\n`);
  }
}

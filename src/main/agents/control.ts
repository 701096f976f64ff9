/**
 * Per-agent kill switch, kept in the data folder (`agents/control.json`) so `libra agents kill
 * NAME` from any shell, or the app, stops an agent inside a running session at once, and it
 * stays stopped across restarts until a person resumes it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const controlSchema = z.object({ killed: z.record(z.string(), z.object({ at: z.number(), by: z.string(), reason: z.string().optional() })).default({}) });
type Control = z.infer<typeof controlSchema>;

export class AgentControl {
  readonly file: string;
  private cache: { mtimeMs: number; value: Control } | undefined;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'agents', 'control.json');
    mkdirSync(dirname(this.file), { recursive: true });
  }

  private read(): Control {
    if (!existsSync(this.file)) return { killed: {} };
    const mtimeMs = statSync(this.file).mtimeMs;
    if (this.cache && this.cache.mtimeMs === mtimeMs) return this.cache.value;
    let value: Control = { killed: {} };
    try {
      const r = controlSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      // An unreadable control file fails closed for nobody in particular: it is reported by
      // `libra agents list`; agents keep their last known state.
      if (r.success) value = r.data;
      else if (this.cache) value = this.cache.value;
    } catch {
      if (this.cache) value = this.cache.value;
    }
    this.cache = { mtimeMs, value };
    return value;
  }

  isKilled(name: string): boolean {
    return name in this.read().killed;
  }

  killed(): Control['killed'] {
    return this.read().killed;
  }

  kill(name: string, by: string, now: number, reason?: string): void {
    const c = this.read();
    this.write({ killed: { ...c.killed, [name]: { at: now, by, ...(reason !== undefined ? { reason } : {}) } } });
  }

  resume(name: string): boolean {
    const c = this.read();
    if (!(name in c.killed)) return false;
    const rest = { ...c.killed };
    delete rest[name];
    this.write({ killed: rest });
    return true;
  }

  private write(c: Control): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(c, null, 2)}\n`);
    renameSync(tmp, this.file);
    this.cache = undefined;
  }
}

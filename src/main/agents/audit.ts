/**
 * The agents' audit log: every model call (prompt, response, tool calls, tokens, cost, latency),
 * every tool result and every decision, one JSON line each, in the data folder
 * (`agents/audit.jsonl`). Appended synchronously so a crash loses at most the line being
 * written. API keys never reach it: they travel only in request headers, which are not logged.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type AuditKind = 'call' | 'tool' | 'decision' | 'skip' | 'error';

export interface AuditEntry {
  readonly ts: number;
  readonly agent: string;
  readonly kind: AuditKind;
  readonly [key: string]: unknown;
}

const DAY_MS = 86_400_000;

export class AuditLog {
  readonly file: string;
  constructor(dataDir: string) {
    this.file = join(dataDir, 'agents', 'audit.jsonl');
    mkdirSync(dirname(this.file), { recursive: true });
  }

  append(e: AuditEntry): void {
    appendFileSync(this.file, `${JSON.stringify(e)}\n`);
  }

  read(filter: { agent?: string | undefined; last?: number | undefined } = {}): AuditEntry[] {
    if (!existsSync(this.file)) return [];
    const out: AuditEntry[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const e = JSON.parse(line) as AuditEntry;
        if (typeof e.agent === 'string' && typeof e.ts === 'number' && (filter.agent === undefined || e.agent === filter.agent)) out.push(e);
      } catch {
        // A torn last line (crash mid-write) is skipped, never fatal.
      }
    }
    return filter.last !== undefined ? out.slice(-filter.last) : out;
  }

  /** Today's (UTC) usage of an agent, so budgets survive a restart. */
  usageToday(agent: string, now: number): { notional: number; tokens: number; cost: number } {
    const day = Math.floor(now / DAY_MS);
    let tokens = 0;
    let cost = 0;
    let notional = 0;
    for (const e of this.read({ agent })) {
      if (Math.floor(e.ts / DAY_MS) !== day) continue;
      if (e.kind === 'call') {
        tokens += Number(e['tokens'] ?? 0) || 0;
        cost += Number(e['cost'] ?? 0) || 0;
      } else if (e.kind === 'decision' && e['status'] === 'SENT') notional += Number(e['notional'] ?? 0) || 0;
    }
    return { notional, tokens, cost };
  }
}

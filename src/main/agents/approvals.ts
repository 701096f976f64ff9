/**
 * The approval queue: proposals of agents with `"approval": "human"` wait here until a person
 * approves or rejects them (in the app, or `libra agents approve ID` / `reject ID` from any
 * shell), or until they expire. It lives in the data folder so a decision made by another
 * process reaches the running session:
 *
 *   agents/proposals/<id>.json   written only by the session that owns the agent
 *   agents/decisions/<id>.json   written only by the person's tool (CLI, app), once
 *
 * One writer per file, each written to a temporary name and renamed, so no reader ever sees half
 * a file and no decision is lost or applied twice.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const PROPOSAL_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'SENT', 'DENIED'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export const proposalSchema = z.object({
  id: z.string(),
  agent: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  status: z.enum(PROPOSAL_STATUSES),
  order: z.object({ instrumentId: z.string(), side: z.enum(['BUY', 'SELL']), type: z.enum(['MARKET', 'LIMIT']), quantity: z.number(), price: z.number().optional() }),
  notional: z.number(),
  reasoning: z.string(),
  verdict: z.object({ allowed: z.boolean(), reason: z.string().optional(), message: z.string().optional() }).optional(),
  clientOrderId: z.string().optional(),
  decidedBy: z.string().optional(),
  decidedAt: z.number().optional(),
  note: z.string().optional(),
});
export type Proposal = z.infer<typeof proposalSchema>;

const decisionSchema = z.object({ decision: z.enum(['approve', 'reject']), by: z.string(), at: z.number(), note: z.string().optional() });
export type Decision = z.infer<typeof decisionSchema>;

export class ApprovalError extends Error {
  override readonly name = 'ApprovalError';
}

const ID_RE = /^[A-Za-z0-9_.-]{1,128}$/;

function writeAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export class ApprovalQueue {
  readonly proposalsDir: string;
  readonly decisionsDir: string;

  constructor(readonly dataDir: string) {
    this.proposalsDir = join(dataDir, 'agents', 'proposals');
    this.decisionsDir = join(dataDir, 'agents', 'decisions');
    mkdirSync(this.proposalsDir, { recursive: true });
    mkdirSync(this.decisionsDir, { recursive: true });
  }

  put(p: Proposal): void {
    writeAtomic(join(this.proposalsDir, `${p.id}.json`), p);
  }

  get(id: string): Proposal | undefined {
    if (!ID_RE.test(id)) return undefined;
    const r = proposalSchema.safeParse(readJson(join(this.proposalsDir, `${id}.json`)));
    return r.success ? r.data : undefined;
  }

  list(): Proposal[] {
    const out: Proposal[] = [];
    for (const f of readdirSync(this.proposalsDir)) {
      if (!f.endsWith('.json')) continue;
      const r = proposalSchema.safeParse(readJson(join(this.proposalsDir, f)));
      if (r.success) out.push(this.withPendingDecision(r.data));
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  private withPendingDecision(p: Proposal): Proposal {
    if (p.status !== 'PENDING') return p;
    const d = this.decision(p.id);
    return d ? { ...p, note: `decided: ${d.decision} by ${d.by}, not yet applied by the session` } : p;
  }

  /** A person's decision. Refused when the proposal is unknown or no longer pending. */
  decide(id: string, decision: 'approve' | 'reject', by: string, now: number, note?: string): Proposal {
    if (!ID_RE.test(id)) throw new ApprovalError(`"${id}" is not a proposal id`);
    const p = this.get(id);
    if (!p) throw new ApprovalError(`no proposal ${id}`);
    if (p.status !== 'PENDING') throw new ApprovalError(`proposal ${id} is ${p.status}, not PENDING`);
    if (p.expiresAt <= now) throw new ApprovalError(`proposal ${id} expired at ${new Date(p.expiresAt).toISOString()}`);
    const file = join(this.decisionsDir, `${id}.json`);
    if (existsSync(file)) throw new ApprovalError(`proposal ${id} already has a decision`);
    writeAtomic(file, { decision, by, at: now, ...(note !== undefined ? { note } : {}) });
    return p;
  }

  decision(id: string): Decision | undefined {
    const r = decisionSchema.safeParse(readJson(join(this.decisionsDir, `${id}.json`)));
    return r.success ? r.data : undefined;
  }
}

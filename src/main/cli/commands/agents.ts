/**
 * `libra agents list|approve ID|reject ID|log|kill NAME|resume NAME [--data-dir DIR]` — a
 * person's side of LLM agents: the proposals that wait for approval, the audit log of every
 * model call and decision, and each agent's kill switch. Works against the data folder of a
 * running session (the session applies a decision within a second).
 */
import { userInfo } from 'node:os';
import type { Kernel, Proposal } from '../../kernel';
import { UsageError, num, parseFlags, str } from '../args';

export const AGENTS_FLAGS = {
  'data-dir': { type: 'string', description: 'data folder of the session (default: the user data folder)' },
  agent: { type: 'string', description: 'log: only this agent' },
  last: { type: 'number', description: 'log: the last N entries (default 20)' },
  reason: { type: 'string', description: 'reject/kill: why (kept in the audit)' },
  json: { type: 'boolean', description: 'print JSON instead of a table' },
  all: { type: 'boolean', description: 'list: every proposal, not only pending ones' },
  config: { type: 'string', description: 'backtest: the session JSON that defines the agent' },
  data: { type: 'string', description: 'backtest: a bar file (as libra backtest takes)' },
  recordings: { type: 'string', description: 'backtest: recorded model answers (default: <data-dir>/agents/recordings/<agent>.jsonl)' },
  symbol: { type: 'string', description: 'backtest: the instrument of the data file (BASE/QUOTE) when its name does not tell' },
  capital: { type: 'number', description: 'backtest: starting cash (default 10000)' },
  'fee-bps': { type: 'number', description: 'backtest: taker fee in bps (default 10)' },
  help: { type: 'boolean', description: 'show this help' },
} as const;

const USAGE = `usage: libra agents list [--all] [--json]
       libra agents approve ID
       libra agents reject ID [--reason TEXT]
       libra agents log [--agent NAME] [--last N] [--json]
       libra agents kill NAME [--reason TEXT]
       libra agents resume NAME
       libra agents backtest --config SESSION --agent NAME --data FILE [--recordings F] [--symbol S] [--json] [--capital N] [--fee-bps N]
(all take --data-dir DIR: the data folder of the session running the agents)`;

function who(): string {
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}

function row(p: Proposal): string {
  const o = p.order;
  const px = o.price !== undefined ? ` @ ${o.price}` : '';
  const v = p.verdict ? (p.verdict.allowed ? ' gate: ALLOWED' : ` gate: ${p.verdict.message ?? p.verdict.reason ?? 'DENIED'}`) : '';
  return `${p.id}  ${p.status.padEnd(8)} ${p.agent}  ${o.side} ${o.quantity} ${o.instrumentId} ${o.type}${px}  ≈${p.notional.toFixed(2)}  expires ${new Date(p.expiresAt).toISOString()}${v}${p.clientOrderId ? ` order ${p.clientOrderId}` : ''}\n    why: ${p.reasoning.replace(/\s+/g, ' ').slice(0, 300)}${p.note ? `\n    note: ${p.note}` : ''}`;
}

export async function run(argv: string[], kernel: Kernel): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === 'help') {
    process.stdout.write(`${USAGE}\n`);
    if (sub === undefined) throw new UsageError('libra agents: give a subcommand (list, approve, reject, log, kill, resume)');
    return;
  }
  const positional = rest[0] !== undefined && !rest[0].startsWith('--') ? rest[0] : undefined;
  const flags = parseFlags(positional !== undefined ? rest.slice(1) : rest, AGENTS_FLAGS, `agents ${sub}`);
  if (flags['help'] === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const desk = kernel.agentDesk(str(flags, 'data-dir'));
  const json = flags['json'] === true;
  const need = (what: string): string => {
    if (positional === undefined) throw new UsageError(`libra agents ${sub}: give the ${what}`);
    return positional;
  };
  switch (sub) {
    case 'list': {
      const all = desk.proposals();
      const shown = flags['all'] === true ? all : all.filter((p) => p.status === 'PENDING');
      const killed = desk.killed();
      if (json) {
        process.stdout.write(`${JSON.stringify({ proposals: shown, killed }, null, 2)}\n`);
        return;
      }
      if (shown.length === 0) process.stdout.write(flags['all'] === true ? 'no proposals\n' : 'no proposals waiting for approval\n');
      for (const p of shown) process.stdout.write(`${row(p)}\n`);
      for (const [name, k] of Object.entries(killed)) process.stdout.write(`agent ${name} is KILLED (by ${k.by} at ${new Date(k.at).toISOString()}${k.reason ? `: ${k.reason}` : ''}); libra agents resume ${name}\n`);
      return;
    }
    case 'approve': {
      const p = desk.approve(need('proposal id'), who());
      process.stdout.write(`approved ${p.id}: ${p.order.side} ${p.order.quantity} ${p.order.instrumentId}; the session sends it through the risk gate (libra agents list --all shows the verdict)\n`);
      return;
    }
    case 'reject': {
      const p = desk.reject(need('proposal id'), who(), str(flags, 'reason'));
      process.stdout.write(`rejected ${p.id}\n`);
      return;
    }
    case 'log': {
      const entries = desk.log({ agent: str(flags, 'agent'), last: num(flags, 'last') ?? 20 });
      if (json) {
        process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
        return;
      }
      for (const e of entries) {
        const t = new Date(e.ts).toISOString();
        if (e.kind === 'call') process.stdout.write(`${t} ${e.agent} call ${String(e['model'])} tokens=${String(e['tokens'])} cost=${Number(e['cost']).toFixed(6)} latency=${String(e['latencyMs'])}ms tools=${JSON.stringify(((e['response'] as { toolCalls?: { name: string }[] }).toolCalls ?? []).map((c) => c.name))}\n`);
        else if (e.kind === 'tool') process.stdout.write(`${t} ${e.agent} tool ${String(e['tool'])} ${e['ok'] ? 'ok' : `error: ${String(e['error'])}`}\n`);
        else if (e.kind === 'decision') process.stdout.write(`${t} ${e.agent} ${String(e['action'])} ${String(e['status'] ?? '')}${e['message'] ? ` ${String(e['message'])}` : ''}${e['proposalId'] ? ` ${String(e['proposalId'])}` : ''}\n`);
        else process.stdout.write(`${t} ${e.agent} ${e.kind} ${String(e['reason'] ?? e['error'] ?? '')}\n`);
      }
      return;
    }
    case 'kill': {
      const name = need('agent name');
      desk.kill(name, who(), str(flags, 'reason'));
      process.stdout.write(`agent ${name} killed: it makes no model call and sends no order until libra agents resume ${name}\n`);
      return;
    }
    case 'resume': {
      const name = need('agent name');
      process.stdout.write(desk.resume(name) ? `agent ${name} resumed\n` : `agent ${name} was not killed\n`);
      return;
    }
    case 'backtest': {
      const config = str(flags, 'config');
      const agent = str(flags, 'agent');
      const data = str(flags, 'data');
      if (!config || !agent || !data) throw new UsageError('libra agents backtest: --config SESSION, --agent NAME and --data FILE are required');
      const capital = num(flags, 'capital');
      const fee = num(flags, 'fee-bps');
      const out = await kernel.backtestAgent({ config: kernel.loadRunConfig(config), agent, path: data, recordings: str(flags, 'recordings'), dataDir: str(flags, 'data-dir'), ...(str(flags, 'symbol') ? { instrument: { symbol: str(flags, 'symbol') as string } } : {}), ...(capital !== undefined ? { capital } : {}), ...(fee !== undefined ? { takerFeeBps: fee } : {}) });
      if (json) {
        process.stdout.write(`${JSON.stringify({ agent: out.agent, stats: out.stats }, null, 2)}\n`);
        return;
      }
      const a = out.agent;
      process.stdout.write(`${kernel.reports.formatReportTable(out.stats, `Agent ${agent} backtest (recorded answers)`)}\n`);
      process.stdout.write(`agent ${agent} on ${out.source.instrument.id}: ${a.decisions} decisions, ${a.modelCalls} answers replayed from ${out.recordings} (${a.recordings} recorded), ${a.missingRecordings} prompts with no recording (no action on those ticks), ${a.proposalsSent} orders sent, ${a.proposalsDenied} denied\n`);
      return;
    }
    default:
      throw new UsageError(`libra agents: unknown subcommand "${sub}" (list, approve, reject, log, kill, resume, backtest)`);
  }
}

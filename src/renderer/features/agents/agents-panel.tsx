/**
 * Approvals panel: what the session's LLM agents propose — the order, its notional, the model's
 * reasoning (shown as plain text, never as markup) and, once sent, the risk gate's verdict — with
 * Approve / Reject for pending ones, and the agents' recent audit log. Shown only when the
 * session runs agents. Polled: proposals are written by the session, decisions by any window or
 * `libra agents approve ID` from a shell.
 */
import { useEffect, useState } from 'react';
import type { AgentLogView, AgentProposalView } from '../../../shared/ipc/views';
import { useBridge } from '../../app/bridge-context';
import { fmt } from '../../app/format';

const REFRESH_MS = 1000;

function time(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export function AgentsPanel() {
  const bridge = useBridge();
  const [proposals, setProposals] = useState<readonly AgentProposalView[] | null>(null);
  const [log, setLog] = useState<readonly AgentLogView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const refresh = () => {
      void bridge.agents.proposals({}).then((r) => {
        if (live && r.ok) setProposals(r.value);
      });
      void bridge.agents.log({ last: 12 }).then((r) => {
        if (live && r.ok) setLog(r.value);
      });
    };
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [bridge]);

  if (proposals === null || (proposals.length === 0 && log.length === 0)) return null;

  const decide = async (id: string, decision: 'approve' | 'reject') => {
    setBusy(id);
    const r = await bridge.agents.decide({ id, decision });
    setBusy(null);
    setError(r.ok ? null : `${r.error.code}: ${r.error.message}`);
    if (r.ok) setProposals((list) => (list ?? []).map((p) => (p.id === id ? { ...p, note: r.value.note } : p)));
  };

  const pending = proposals.filter((p) => p.status === 'PENDING');
  const decided = proposals.filter((p) => p.status !== 'PENDING').slice(-8).reverse();
  return (
    <section className="panel" data-testid="agents-panel" aria-label="Agent approvals">
      <h2>
        Agents <span className="muted">{pending.length} awaiting approval</span>
      </h2>
      {error ? <div className="error" role="alert">{error}</div> : null}
      {pending.length === 0 ? <p className="muted">No proposal waits for a decision.</p> : null}
      {pending.map((p) => (
        <article key={p.id} className="proposal" data-testid="agent-proposal" aria-label={`Proposal ${p.id}`}>
          <div>
            <b>{p.agent}</b> proposes <b>{p.side} {p.quantity} {p.instrumentId.split('@')[0]}</b> {p.type}
            {p.price !== undefined ? ` @ ${p.price}` : ''} <span className="muted">≈ {fmt(p.notional)} · expires {time(p.expiresAt)} · {p.id}</span>
          </div>
          <blockquote className="reasoning">{p.reasoning}</blockquote>
          {p.note ? <div className="muted">{p.note}</div> : null}
          <button onClick={() => void decide(p.id, 'approve')} disabled={busy === p.id || p.note !== undefined}>Approve</button>{' '}
          <button onClick={() => void decide(p.id, 'reject')} disabled={busy === p.id || p.note !== undefined}>Reject</button>
        </article>
      ))}
      {decided.length > 0 ? (
        <table className="table" data-testid="agent-decided">
          <thead>
            <tr><th>Time</th><th>Agent</th><th>Order</th><th>Status</th><th>Risk gate</th></tr>
          </thead>
          <tbody>
            {decided.map((p) => (
              <tr key={p.id}>
                <td>{time(p.createdAt)}</td>
                <td>{p.agent}</td>
                <td>{p.side} {p.quantity} {p.instrumentId.split('@')[0]}</td>
                <td>{p.status}</td>
                <td>{p.verdict ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <details>
        <summary>Audit log</summary>
        <ul className="agent-log" data-testid="agent-log">
          {log.map((e, i) => (
            <li key={`${e.ts}-${i}`}><span className="muted">{time(e.ts)} {e.agent}</span> {e.summary}</li>
          ))}
        </ul>
      </details>
    </section>
  );
}

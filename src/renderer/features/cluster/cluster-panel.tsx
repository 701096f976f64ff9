/**
 * The Cluster panel: every node of the session's Redis cluster (roles, state, last beat, event-loop
 * lag, market data sent / shed / received / gaps / delay), refreshed every 2 s. Absent when the
 * session is not a cluster node.
 */
import { useEffect, useState } from 'react';
import type { ClusterView } from '../../../shared/ipc/views';
import { useBridge } from '../../app/bridge-context';

const REFRESH_MS = 2_000;

function beat(ms: number | null): string {
  return ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s ago`;
}

export function ClusterPanel() {
  const bridge = useBridge();
  const [view, setView] = useState<ClusterView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const refresh = () => {
      void bridge.cluster.status({}).then((r) => {
        if (!live) return;
        if (r.ok) {
          setView(r.value);
          setError(null);
        } else setError(r.error.message);
      });
    };
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [bridge]);

  if (view === null ? error === null : !view.enabled) return null;
  return (
    <section className="panel" data-testid="cluster-panel">
      <h2>Cluster {view?.prefix ? <span className="muted">{view.prefix}</span> : null}</h2>
      {error ? <p className="error" role="alert">{error}</p> : null}
      <table>
        <thead>
          <tr><th>Node</th><th>Roles</th><th>State</th><th>Beat</th><th>Lag</th><th>Market data</th></tr>
        </thead>
        <tbody>
          {(view?.nodes ?? []).map((n) => (
            <tr key={n.node} data-testid={`cluster-node-${n.node}`} className={n.state === 'lost' ? 'lost' : undefined}>
              <td>{n.node}{n.node === view?.self ? ' (this)' : ''}</td>
              <td>{n.roles}</td>
              <td><span className={`badge state-${n.state === 'running' ? 'ACTIVE' : 'HALTED'}`}>{n.state}</span></td>
              <td>{beat(n.lastBeatAgoMs)}</td>
              <td>{n.lagMs === null ? '?' : `${n.lagMs} ms`}</td>
              <td>
                {n.md.sent !== undefined ? `sent ${n.md.sent}, dropped ${n.md.dropped ?? 0}` : null}
                {n.md.received !== undefined ? `received ${n.md.received}, gaps ${n.md.gaps ?? 0}, delay ${n.md.lagMs ?? '?'} ms` : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

import { fmtQty, fmtTime } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { selectDenials, selectRiskEvents, selectTradingState } from './risk-slice';

export function RiskPanel() {
  const state = useAppSelector(selectTradingState);
  const denials = useAppSelector(selectDenials);
  const events = useAppSelector(selectRiskEvents);
  return (
    <section className="panel" data-testid="risk-panel">
      <h2>Risk <span className={`badge state-${state}`} data-testid="trading-state">{state}</span></h2>
      <h3>Last denials</h3>
      {denials.length === 0 ? <p className="muted">None</p> : null}
      <ul className="denials">
        {denials.slice(0, 8).map((d) => (
          <li key={d.clientOrderId} data-testid="denial">
            <span className="code">{d.reason}</span> {d.side} {fmtQty(d.quantity)} — {d.message} <span className="muted">{fmtTime(d.ts)}</span>
          </li>
        ))}
      </ul>
      {events.length > 0 ? (
        <>
          <h3>Events</h3>
          <ul className="denials">
            {events.slice(0, 5).map((e, i) => (
              <li key={`${e.ts}-${i}`}><span className="code">{e.kind}</span> → {e.state}: {e.message}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/**
 * The top bar's trading state while trading is not ACTIVE: REDUCING or HALTED with the reason of
 * the limit that moved it there (the last risk event into that state), so a halt is seen at a
 * glance, not only in the risk panel below the fold.
 */
export function TradingStateBadge() {
  const state = useAppSelector(selectTradingState);
  const events = useAppSelector(selectRiskEvents);
  if (state === 'ACTIVE') return null;
  const why = events.find((e) => e.state === state)?.message;
  return (
    <span className={`badge state-${state} topbar-state`} data-testid="topbar-trading-state" role="status" title={why ?? state}>
      {state}
      {why ? `: ${why}` : ''}
    </span>
  );
}

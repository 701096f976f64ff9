import { fmt, fmtTime } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { useBridge } from '../../app/bridge-context';
import { selectAllAlerts } from './alerts-slice';

export function AlertsList() {
  const bridge = useBridge();
  const alerts = useAppSelector(selectAllAlerts);
  return (
    <section className="panel" data-testid="alerts">
      <h2>Price alerts</h2>
      {alerts.length === 0 ? <p className="muted">None — click a price level on a chart to set one.</p> : null}
      <ul className="alerts">
        {alerts.map((a) => (
          <li key={a.id} className={a.status} data-testid={`alert-${a.id}`}>
            <span>{a.symbol} {a.direction === 'above' ? '≥' : '≤'} {fmt(a.price)}</span>{' '}
            <span className={a.status === 'fired' ? 'badge fired' : 'badge'} data-testid="alert-status">{a.status === 'fired' ? `fired ${fmtTime(a.firedAt ?? 0)}` : 'active'}</span>
            <button className="small" onClick={() => void bridge.alerts.remove({ id: a.id })}>×</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
